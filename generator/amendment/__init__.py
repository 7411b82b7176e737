"""The 2027 revoyure: the signed version, the avenant, the mid-term evaluation.

Takes a territory's loaded description and its signed snapshots (`versions-signees/`) and gives
plain data and bytes: the snapshot to record, the avenant's articles (from the semantic diff),
the avenant, TFPB avenants and consolidated contract documents, the evaluation report skeleton.
"""

from generator._exports import lazy_exports

_NAMES = {
    "SNAPSHOT_FOLDER": "snapshot",
    "Snapshot": "snapshot",
    "SnapshotError": "snapshot",
    "make_snapshot": "snapshot",
    "read_snapshots": "snapshot",
    "record_snapshot": "snapshot",
    "description_hash": "snapshot",
    "AvenantError": "build_avenant",
    "AvenantResult": "build_avenant",
    "make_avenant": "build_avenant",
    "consolidate": "consolidated",
    "strip_marks": "consolidated",
    "EvaluationError": "evaluation",
    "evaluation_context": "evaluation",
    "make_evaluation": "evaluation",
}
__all__ = sorted(_NAMES)
__getattr__, __dir__ = lazy_exports(__name__, _NAMES)
