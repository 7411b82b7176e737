"""Find the funder, QPV and orientation a spreadsheet cell names, by id, name, acronym or code.

Built once from the merged description data; each lookup returns the identifier or raises
`Unresolved` with the French reason (unknown, outside the territory, several candidates).
"""

from __future__ import annotations

import difflib
import re

from generator.sheets.mapping import normalize

__all__ = ["Resolver", "Unresolved"]

_ARTICLE = re.compile(r"^(le |la |les |l')")
_QPV_CODE = re.compile(r"^QN(0[0-9][0-9]|02[AB]|9[0-9]{2})[0-9]{2}[NMIC]$")


class Unresolved(ValueError):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _key(text: object) -> str:
    return _ARTICLE.sub("", normalize(text)).strip()


class Resolver:
    """Lookups over one territory's signatories, partners, orientations and QPV."""

    def __init__(self, data: dict, reference: dict | None = None):
        self.funders: dict[str, str] = {}
        self._funder_ids: list[str] = []
        by_type: dict[str, list[str]] = {}
        people = [*_dicts(data.get("signataires")), *_dicts(data.get("partenaires"))]
        for item in people:
            sid = item.get("id")
            if not isinstance(sid, str):
                continue
            self._funder_ids.append(sid)
            for name in (sid, item.get("nom"), item.get("sigle")):
                if isinstance(name, str) and name:
                    self.funders.setdefault(_key(name), sid)
            if isinstance(item.get("type"), str):
                by_type.setdefault(_key(item["type"].replace("_", " ")), []).append(sid)
        for kind, ids in by_type.items():
            if len(ids) == 1:
                self.funders.setdefault(kind, ids[0])
        territory = data.get("territoire") if isinstance(data.get("territoire"), dict) else {}
        epci = territory.get("epci") if isinstance(territory.get("epci"), dict) else {}
        if len(by_type.get("epci", [])) == 1:
            for name in (epci.get("nom"), epci.get("sigle")):
                if isinstance(name, str) and name:
                    self.funders.setdefault(_key(name), by_type["epci"][0])
        self.orientations: dict[str, str] = {}
        for o in _dicts(data.get("orientations")):
            if isinstance(o.get("id"), str):
                for name in (o["id"], o.get("titre")):
                    if isinstance(name, str):
                        self.orientations.setdefault(_key(name), o["id"])
        self.qpv_codes = [
            q["code"] for q in _dicts(territory.get("qpv")) if isinstance(q.get("code"), str)
        ]
        self.reference = reference or {}
        self.qpv_names: dict[str, str] = {}
        for code in self.qpv_codes:
            self.qpv_names[_key(code)] = code
            ref = self.reference.get(code)
            if ref is not None:
                self.qpv_names.setdefault(_key(ref.nom), code)

        self._memo: dict[tuple[str, str], str | Unresolved] = {}

    def _memoized(self, kind: str, text: str, lookup) -> str:
        """An extract names the same funders and QPV on every row: each text is looked up once
        (its answer, or its reason, kept)."""
        key = (kind, text)
        found = self._memo.get(key)
        if found is None:
            try:
                found = lookup(text)
            except Unresolved as exc:
                found = exc
            self._memo[key] = found
        if isinstance(found, Unresolved):
            raise Unresolved(found.reason)
        return found

    def funder(self, text: str) -> str:
        return self._memoized("funder", text, self._funder)

    def orientation(self, text: str) -> str:
        return self._memoized("orientation", text, self._orientation)

    def qpv(self, text: str) -> str:
        return self._memoized("qpv", text, self._qpv)

    def _funder(self, text: str) -> str:
        found = self.funders.get(_key(text))
        if found:
            return found
        close = difflib.get_close_matches(_key(text), list(self.funders), n=1, cutoff=0.75)
        hint = f" ; vouliez-vous dire « {self.funders[close[0]]} » ?" if close else ""
        raise Unresolved(
            f"financeur « {text} » inconnu : ni un signataire ni un partenaire de la description"
            f"{hint} (ajoutez-le à « partenaires », ou une correspondance « financeur » dans le "
            "modèle de colonnes)"
        )

    def _orientation(self, text: str) -> str:
        found = self.orientations.get(_key(text))
        if found:
            return found
        # « Réussite éducative » for « Réussite éducative et épanouissement des jeunes »
        starts = {o for k, o in self.orientations.items() if k.startswith(_key(text) + " ")}
        if len(starts) == 1:
            return starts.pop()
        raise Unresolved(
            f"orientation « {text} » inconnue : ni l'identifiant ni le titre d'une orientation "
            "(ajoutez une correspondance « orientation » dans le modèle de colonnes)"
        )

    def _qpv(self, text: str) -> str:
        code = text.strip().upper()
        if _QPV_CODE.match(code):
            if code in self.qpv_codes:
                return code
            ref = self.reference.get(code)
            if ref is not None:
                raise Unresolved(
                    f"le QPV {code} ({ref.nom}, {', '.join(ref.communes)}) n'est pas un quartier "
                    "du territoire (territoire.qpv) : la ligne concerne un autre contrat de ville"
                )
            raise Unresolved(f"le code QPV {code} n'existe pas dans la liste officielle de 2024")
        found = self.qpv_names.get(_key(text))
        if found:
            return found
        raise Unresolved(
            f"quartier « {text} » inconnu : écrivez son code (QN…) ou son nom officiel ; "
            "quartiers du territoire : " + ", ".join(self.qpv_codes)
        )


def _dicts(value) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []
