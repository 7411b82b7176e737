"""The legal sentences of an avenant's articles (« L'article 3.2 du contrat est remplacé… »)."""

from __future__ import annotations

from generator.amendment.articles import Article, Target
from generator.amendment.outline import Heading, find
from generator.compare.text_diff import ADDED, REMOVED

TFPB_PARTS = {
    "actions": "Programme d'actions",
    "abattement_estime": "Montant estimé de l'abattement",
    "patrimoine": "Patrimoine concerné",
    "diagnostic": "Diagnostic partagé",
    "participation_locataires": "Participation des locataires",
}


def _signatory(data: dict, ident: str) -> dict:
    return next(
        (s for s in data.get("signataires") or [] if isinstance(s, dict) and s.get("id") == ident),
        {},
    )


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _previous(new_outline: list[Heading], heading: Heading, old_outline: list[Heading]):
    """The heading of the signed contract after which a new part is inserted."""
    siblings = [h for h in new_outline if h.parent is heading.parent and h.level == heading.level]
    position = siblings.index(heading)
    for earlier in reversed(siblings[:position]):
        found = find(old_outline, earlier.title)
        if found is not None:
            return found
    return heading.parent and find(old_outline, heading.parent.title)


def dispositif(numero, target: Target, changes, old, new, old_outline, new_outline, base):
    """The article amending `target` (its title, legal sentence and the quoted new text)."""
    kind = target.kind
    if kind == "parties":
        lines = []
        for change in changes:
            ident = change.path[1] if len(change.path) > 1 else ""
            if change.kind == ADDED and len(change.path) == 2:
                lines.append(
                    f"{_cap(_signatory(new, ident).get('nom', ident))} devient signataire du contrat."
                )
            elif change.kind == REMOVED and len(change.path) == 2:
                lines.append(
                    f"{_cap(_signatory(old, ident).get('nom', ident))} cesse d'être signataire du contrat."
                )
            else:
                lines.append(f"La mention des signataires est modifiée : {change.format()}.")
        return Article(numero, "Parties au contrat", " ".join(lines), target, list(changes))
    if kind == "version":
        text = "; ".join(c.format() for c in changes)
        return Article(
            numero,
            "Mentions du contrat",
            f"Les mentions du contrat sont modifiées comme suit : {text}.",
            target,
            list(changes),
        )
    if kind == "financing":
        old_h = find(old_outline, target.old_title)
        new_h = find(new_outline, target.new_title)
        cited = old_h.cited if old_h else f"la partie « {target.old_title} » du contrat"
        return Article(
            numero,
            "Moyens financiers",
            f"Le tableau de {cited} est remplacé par le tableau ci-après ; l'annexe 3 (annexe "
            "financière) est remplacée par l'annexe financière consolidée jointe au présent "
            "avenant.",
            target,
            list(changes),
            new_h,
        )
    if kind == "tfpb":
        name = _signatory(new, target.item).get("nom") or _signatory(old, target.item).get(
            "nom", target.item
        )
        if all(c.kind == REMOVED and len(c.path) == 2 for c in changes):
            text = (
                f"La convention d'utilisation de l'abattement de TFPB conclue avec {name} "
                "(annexe 2) prend fin à la date de signature du présent avenant."
            )
        elif all(c.kind == ADDED and len(c.path) == 2 for c in changes):
            text = (
                f"Une convention d'utilisation de l'abattement de TFPB conclue avec {name} est "
                "ajoutée à l'annexe 2 du contrat."
            )
        else:
            text = (
                f"La convention d'utilisation de l'abattement de TFPB conclue avec {name} "
                f"(annexe 2) est modifiée par l'avenant n° {base.number + 1} à cette convention, "
                "signé par ses parties et joint au présent avenant."
            )
        return Article(numero, f"Convention TFPB de {name}", text, target, list(changes))
    if kind == "sheet":
        who = _signatory(new, target.item) or _signatory(old, target.item)
        title = _cap(who.get("nom", target.item))
        target.old_title = target.new_title = title
    old_h = find(old_outline, target.old_title, target.parent or None) if target.old_title else None
    new_h = find(new_outline, target.new_title, target.parent or None) if target.new_title else None
    label = target.new_title or target.old_title
    if kind == "sheet":
        label = f"Fiche d'engagement : {label}"
    if old_h is not None and new_h is not None:
        text = f"{_cap(old_h.cited)} est remplacé par les dispositions suivantes :"
        if kind == "sheet":
            text = f"La fiche d'engagement « {old_h.title} » (annexe 4) est remplacée par la fiche suivante :"
        return Article(numero, label, text, target, list(changes), new_h)
    if new_h is not None:
        after = _previous(new_outline, new_h, old_outline)
        where = f"après {after.cited}" if after is not None else "dans le contrat"
        number = f" {new_h.number}" if new_h.number else ""
        text = f"Il est inséré, {where}, un article{number} « {new_h.title} » ainsi rédigé :"
        if kind == "sheet":
            text = (
                f"Il est inséré dans l'annexe 4 la fiche d'engagement « {new_h.title} » suivante :"
            )
        return Article(numero, label, text, target, list(changes), new_h)
    if old_h is not None:
        text = f"{_cap(old_h.cited)} est abrogé."
        if kind == "sheet":
            text = f"La fiche d'engagement « {old_h.title} » (annexe 4) est supprimée."
        return Article(numero, label, text, target, list(changes))
    text = "; ".join(c.format() for c in changes)
    return Article(
        numero, label, f"Le contrat est modifié comme suit : {text}.", target, list(changes)
    )


def tfpb_articles(article: Article, old_doc, new_doc) -> list[Article]:
    """The articles of a TFPB convention's own avenant, one per changed part of it."""
    from generator.amendment.outline import outline

    if old_doc is None or new_doc is None:
        return []
    old_outline, new_outline = outline(old_doc), outline(new_doc)
    groups: dict[str, list] = {}
    for change in article.changes:
        key = change.path[2] if len(change.path) > 2 else ""
        groups.setdefault(TFPB_PARTS.get(key, "Objet"), []).append(change)
    out = []
    for title, changes in groups.items():
        old_h, new_h = find(old_outline, title), find(new_outline, title)
        cited = (
            f"L'article {old_h.number} de la convention (« {old_h.title} »)"
            if old_h is not None and old_h.number
            else f"La partie « {title} » de la convention"
        )
        out.append(
            Article(
                len(out) + 1,
                title,
                f"{cited} est remplacé par les dispositions suivantes :",
                article.target,
                changes,
                new_h,
            )
        )
    return out
