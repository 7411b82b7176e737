"""Compose an avenant: the diff of the last signed version against the current description,
turned into articles, rendered with the set's `avenant.docx`, with its annexes (the TFPB
avenants, the consolidated contract, the redline). Bytes out; the CLI writes them."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup

from generator.amendment.articles import Article, group_changes
from generator.amendment.consolidated import consolidate
from generator.amendment.formats import as_description, to_current
from generator.amendment.outline import block, find, outline
from generator.amendment.snapshot import Snapshot, SnapshotError
from generator.amendment.wording import dispositif, tfpb_articles
from generator.documents import formatting

CONTENT_MARK = "\ue010"  # private use: a paragraph to replace by quoted contract text


class AvenantError(Exception):
    """No avenant can be made (French message, nothing written)."""


@dataclass
class AvenantResult:
    numero: int
    base: Snapshot
    articles: list[Article]
    comparison: object
    documents: dict[str, bytes] = field(default_factory=dict)
    tfpb: dict[str, list[Article]] = field(default_factory=dict)
    # document name -> the `avenant` variable its template got
    variables: dict[str, dict] = field(default_factory=dict)


def _docx(data: bytes):
    from docx import Document

    return Document(io.BytesIO(data))


def _render_all(desc, templates, digest: str) -> dict[str, bytes]:
    from generator.documents.build import render_documents

    return {k: v[0] for k, v in render_documents(desc, templates, [], digest).items()}


def make_avenant(
    root: Path,
    description,
    snapshots: list[Snapshot],
    templates,
    *,
    numero: int | None = None,
    preamble: str | None = None,
) -> AvenantResult:
    from generator.compare.description import compare
    from generator.documents.build import inputs_hash
    from generator.documents.templates import resolve_for_territory

    if not snapshots:
        raise AvenantError(
            f"aucune version signée dans {root / 'versions-signees'} : enregistrez d'abord le "
            "contrat signé avec cdv signer CHEMIN --date AAAA-MM-JJ (ou --depuis <contrat "
            "signé>.docx)"
        )
    numero = numero or len(snapshots)
    if not 1 <= numero <= len(snapshots):
        raise AvenantError(
            f"avenant n° {numero} impossible : {len(snapshots) - 1} avenant(s) signé(s) ; le "
            f"prochain est le n° {len(snapshots)}"
        )
    base = snapshots[numero - 1]
    signed_desc = as_description(
        base.description, root.name, f"la version signée ({base.file_name})"
    )
    old = signed_desc.data
    new = to_current(description.data, "la description actuelle")
    comparison = compare(old, new)
    if comparison.identical:
        raise AvenantError(
            "la description est identique à la version signée le "
            f"{formatting.date_fr(base.date)} : aucun avenant à écrire, rien n'est écrit"
        )
    templates = resolve_for_territory(templates, root)
    tpl = {d.id: d for d in templates.later_documents}
    if "avenant" not in tpl:
        raise AvenantError(f"le jeu de modèles {templates.name} n'a pas de modèle d'avenant")
    signed = _render_all(signed_desc, templates, "")
    plain = _render_all(description, templates, inputs_hash(root, templates, False))
    contract_name = next(d.output for d in templates.documents if d.id == "contrat")
    old_doc, new_doc = _docx(signed[contract_name]), _docx(plain[contract_name])
    old_outline, new_outline = outline(old_doc), outline(new_doc)

    from generator.documents.context import build_context

    context = build_context(new)
    qpv_names = {
        q["code"]: q.get("nom") or q.get("nom_officiel") or q["code"]
        for q in context["territoire"]["qpv"]
    }
    old_names = {
        q.get("code"): q.get("nom") or q.get("nom_officiel") or q.get("code")
        for q in build_context(old)["territoire"]["qpv"]
    }
    qpv_names = {**old_names, **qpv_names}
    articles: list[Article] = []
    for target, changes in group_changes(comparison.changes, old, new, qpv_names):
        article = dispositif(
            len(articles) + 1, target, changes, old, new, old_outline, new_outline, base
        )
        articles.append(article)
    label = f"avenant n° {numero}"
    dates = [s for s in snapshots[1:numero]]
    consolidated_text = (
        f"Version consolidée intégrant l'{label}"
        f" — contrat signé le {formatting.date_fr(base.date if base.is_contract else snapshots[0].date)}"
    )
    result = AvenantResult(numero, base, articles, comparison)
    prefix = f"avenant-{numero}"
    result.documents[f"{prefix}-contrat-consolide.docx"] = consolidate(
        plain[contract_name], consolidated_text
    )
    for name, data in sorted(plain.items()):
        if name.startswith("annexe-3"):
            result.documents[f"{prefix}-{name.replace('.docx', '-consolidee.docx')}"] = consolidate(
                data, consolidated_text
            )
    # TFPB avenants: one per changed convention, signed by its own parties
    for article in articles:
        if article.target.kind != "tfpb":
            continue
        bailleur = article.target.item
        conv_name = _convention_name(templates, bailleur)
        old_conv = signed.get(conv_name)
        new_conv = plain.get(conv_name)
        tfpb_list = tfpb_articles(
            article, old_conv and _docx(old_conv), new_conv and _docx(new_conv)
        )
        result.tfpb[bailleur] = tfpb_list
        conv = next((c for c in context["tfpb"] if c.get("bailleur") == bailleur), None)
        if conv is None or new_conv is None:
            continue  # a convention ended: said in the contract's avenant, nothing to sign apart
        ctx = _avenant_context(
            context,
            snapshots,
            numero,
            preamble,
            tfpb_list,
            conv["parties"],
            titre=f"Avenant n° {numero} à la convention d'utilisation de l'abattement de TFPB",
            sous_titre=conv["bailleur_info"].get("nom", bailleur),
            objet=f"de la convention d'utilisation de l'abattement de TFPB conclue avec {conv['bailleur_info'].get('nom')}",
            annexes=[],
        )
        name = f"{prefix}-tfpb-{_slug(bailleur)}.docx"
        result.variables[name] = ctx["avenant"]
        result.documents[name] = _render(
            tpl["avenant-tfpb"], ctx, _docx(new_conv), description.data, tfpb_list
        )
    annexes = [
        f"annexe 1 : le contrat de ville dans sa version consolidée ({prefix}-contrat-consolide.docx)"
    ]
    for bailleur in result.tfpb:
        annexes.append(
            f"l'avenant n° {numero} à la convention TFPB de {_name(context, bailleur)} ({prefix}-tfpb-{_slug(bailleur)}.docx)"
        )
    annexes.append(
        f"le contrat signé, avec les modifications apparentes ({prefix}-modifications-suivies.docx)"
    )
    ctx = _avenant_context(
        context,
        snapshots,
        numero,
        preamble,
        articles,
        context["signataires_signant"],
        titre=f"Avenant n° {numero}",
        sous_titre=context["doc"]["titre"],
        objet="du contrat",
        annexes=annexes,
        old=old,
    )
    result.variables[f"{prefix}.docx"] = ctx["avenant"]
    result.documents[f"{prefix}.docx"] = _render(
        tpl["avenant"], ctx, new_doc, description.data, articles
    )
    result.documents[f"{prefix}-modifications-suivies.docx"] = _redline(
        signed[contract_name], plain[contract_name]
    )
    del dates
    return result


def _slug(text: str) -> str:
    from generator.description.paths import output_slug

    return output_slug(text)


def _name(context: dict, ident: str) -> str:
    return next((s["nom"] for s in context["signataires"] if s.get("id") == ident), ident)


def _convention_name(templates, bailleur: str) -> str:
    doc = next(d for d in templates.documents if d.for_each == "tfpb")
    return doc.output.format(bailleur=_slug(bailleur))


def _avenant_context(
    context,
    snapshots,
    numero,
    preamble,
    articles,
    parties,
    *,
    titre,
    sous_titre,
    objet,
    annexes,
    old=None,
) -> dict:
    contract = snapshots[0]
    signed_on = formatting.date_fr(contract.date)
    visas = [
        "la loi n° 2014-173 du 21 février 2014 de programmation pour la ville et la cohésion "
        "urbaine, notamment son article 6",
        f"le contrat de ville {context['doc']['titre']} signé le {signed_on}",
    ]
    visas += [
        f"l'avenant n° {s.number} au contrat, signé le {formatting.date_fr(s.date)}"
        for s in snapshots[1:numero]
    ]
    old_ids = {s.get("id") for s in (old or {}).get("signataires") or [] if isinstance(s, dict)}
    rows = []
    for party in parties:
        note = ""
        if old is not None and party.get("id") not in old_ids:
            note = "qui devient signataire du contrat par le présent avenant"
        rows.append(
            {
                "nom": party.get("nom", ""),
                "note": note,
                "signataire": " ".join(
                    x for x in (party.get("signataire_nom"), party.get("representant")) if x
                ),
            }
        )
    new_ids = {s.get("id") for s in context["signataires"]}
    retraits = []
    if old is not None:
        from generator.ledger import build_ledger

        # who funds an operation of the signed contract: from the ledger, as the documents
        funders = {f for op in build_ledger(old).operations for f in op.funders}
        retraits = [
            {"nom": s.get("nom", s.get("id")), "finance": s.get("id") in funders}
            for s in old.get("signataires") or []
            if isinstance(s, dict) and s.get("id") not in new_ids
        ]
    text = preamble or (
        f"Le contrat de ville prévoit une clause de revoyure en 2027. Au vu de l'évaluation à "
        f"mi-parcours conduite avec les signataires et les conseils citoyens, les parties "
        f"conviennent d'adapter le contrat signé le {signed_on} par le présent avenant."
    )
    for article in articles:
        article.contenu_mark = (
            Markup(f"{CONTENT_MARK}{article.numero}{CONTENT_MARK}") if article.content else ""
        )
    return dict(
        context,
        avenant={
            "numero": numero,
            "titre": titre,
            "sous_titre": sous_titre,
            "reference_contrat": f"au contrat de ville signé le {signed_on}",
            "projet": True,
            "parties": rows,
            "retraits": retraits,
            "visas": visas,
            "preambule": text,
            "articles": [
                {
                    "numero": a.numero,
                    "titre": a.titre,
                    "dispositif": a.dispositif,
                    "contenu": a.contenu_mark,
                }
                for a in articles
            ],
            "article_final": len(articles) + 1,
            "objet_modifie": objet,
            "annexes": annexes,
            "lieu": context["contrat"].get("lieu_signature") or "…",
            "date_signature": "…",
        },
    )


def _render(template_doc, ctx: dict, source_doc, description: dict, articles) -> bytes:
    from generator.documents.render import document_bytes, render_template
    from generator.documents.write import deterministic_docx

    document = render_template(template_doc.template, ctx)
    quotes = {a.numero: block(source_doc, a.content) for a in articles if a.content}
    _insert_quotes(document, quotes)
    return deterministic_docx(
        document_bytes(document),
        date=ctx["doc"]["date"] or "",
        core={
            "title": f"{ctx['avenant']['titre']} — {ctx['doc']['epci']}",
            "language": "fr-FR",
            "author": ctx["doc"]["epci"] or "",
        },
        custom={"cdv_avenant": str(ctx["avenant"]["numero"])},
        description=description,
    )


def _insert_quotes(document, quotes) -> None:
    from docx.oxml.ns import qn

    from generator.documents.docx_post import _text

    for paragraph in list(document.element.body.iter(qn("w:p"))):
        text = _text(paragraph)
        if CONTENT_MARK not in text:
            continue
        number = int(text.split(CONTENT_MARK)[1])
        for element in reversed(quotes.get(number, [])):
            paragraph.addnext(element)
        paragraph.getparent().remove(paragraph)


def _redline(old: bytes, new: bytes) -> bytes:
    import tempfile

    from generator.compare.redline import make_redline

    with tempfile.TemporaryDirectory() as folder:
        a, b = Path(folder) / "signe.docx", Path(folder) / "consolide.docx"
        a.write_bytes(old)
        b.write_bytes(new)
        return make_redline(a, b).data


__all__ = ["AvenantError", "AvenantResult", "SnapshotError", "find", "block", "make_avenant"]
