"""The plan of a run: which notebooks to execute and which to reuse, and why.

A notebook is reused when the last run (its `manifest.json` in the live outputs) executed it
successfully with the same key (`phlib.run.keys`), its executed notebook and cache entry are
still there (`phlib.run.reuse`) and the executed notebook has not been changed outside a run
since. Otherwise it is executed, and the reason says which part of its key changed:

>>> old = {"phlib": "a", "notebook": "n", "observations": {"ss_quitters": "1", "ss_x": "2"}}
>>> new = {"phlib": "a", "notebook": "n", "observations": {"ss_quitters": "9", "ss_x": "2"}}
>>> why(old, new)
'observations for ss_quitters changed'
>>> why({**old, "phlib": "b"}, old)
'phlib changed'
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from phlib.run.reuse import entry_is_intact

#: Single-value parts of a key and how a reason names them, in the order reasons list them.
NAMED_PARTS = (
    ("phlib", "phlib changed"),
    ("dependencies", "the dependency set changed"),
    ("notebook", "the notebook changed"),
    ("parameters", "the parameters changed"),
    ("publication", "the publication or suppression settings changed"),
    ("area", "the area's row in the areas file changed"),
)
REUSED = "unchanged"


@dataclass(frozen=True)
class Decision:
    """What a run does with one notebook: execute it or reuse its outputs, and why."""

    area: str
    service: str
    execute: bool
    reason: str
    key: str
    parts: dict

    @property
    def verb(self) -> str:
        return "ran" if self.execute else "reused"


def _listed(ids: list[str], most: int = 3) -> str:
    """'a', 'a and b', 'a, b and c', 'a, b, c and 2 more'."""
    if len(ids) > most:
        return f"{', '.join(ids[:most])} and {len(ids) - most} more"
    return ids[0] if len(ids) == 1 else f"{', '.join(ids[:-1])} and {ids[-1]}"


def why(old: dict, new: dict) -> str:
    """Why a notebook whose key parts were `old` must run again with parts `new`."""
    reasons = [text for name, text in NAMED_PARTS if old.get(name) != new.get(name)]
    old_ids, new_ids = set(old.get("catalogue", {})), set(new.get("catalogue", {}))
    if new_ids - old_ids:
        reasons.append(f"indicators added: {_listed(sorted(new_ids - old_ids))}")
    if old_ids - new_ids:
        reasons.append(f"indicators dropped: {_listed(sorted(old_ids - new_ids))}")
    for part, noun in (("catalogue", "catalogue rows"), ("observations", "observations")):
        before, after = old.get(part, {}), new.get(part, {})
        changed = sorted(i for i in set(before) & set(after) if before[i] != after[i])
        if changed:
            reasons.append(f"{noun} for {_listed(changed)} changed")
    return "; ".join(reasons) or "its key changed"


def decide(keys: dict, previous_manifest, live: Path, force: bool = False) -> dict:
    """(area, service) -> `Decision` for every notebook in `keys` ((key, parts) pairs)."""
    earlier = {
        (n.get("area"), n.get("service")): n
        for n in (previous_manifest or {}).get("notebooks", [])
        if isinstance(n, dict)
    }
    decisions = {}
    for (area, service), (key, parts) in keys.items():
        reason = _reason(earlier.get((area, service)), key, parts, live / area, service, force)
        decisions[(area, service)] = Decision(area, service, reason != REUSED, reason, key, parts)
    return decisions


def _reason(entry, key: str, parts: dict, folder: Path, service: str, force: bool) -> str:
    if force:
        return "forced"
    if entry is None:
        return "new notebook"
    if entry.get("status") not in ("ok", "carried"):  # carried: kept by a run of other areas
        return "it did not run successfully last time"
    if not entry.get("key"):
        return "the last run recorded no key for it"
    if entry["key"] != key:
        return why(entry.get("parts") or {}, parts)
    problem = entry_is_intact(folder, service, key)
    return problem or REUSED


def explain(decisions: dict, quarter_label: str) -> str:
    """The plan as text, for `phreport run QUARTER --explain`."""
    runs = [d for d in decisions.values() if d.execute]
    lines = [
        f"Plan for {quarter_label}: {len(runs)} to run, {len(decisions) - len(runs)} to reuse "
        "(annexes, index and scorecard are always rebuilt)."
    ]
    for d in decisions.values():
        verb = "run  " if d.execute else "reuse"
        lines.append(f"  {verb} {d.area}/{d.service}: {d.reason}")
    return "\n".join(lines)
