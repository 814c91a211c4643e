"""What WeasyPrint's tagged output lacks for PDF/UA-1, put right on the written file.

- The running header and the "Side X af Y" footer are drawn in the page's margin boxes.
  WeasyPrint marks their text as content with an id (MCID) but links it to no element of the
  structure tree: content that is neither in the tree nor an artifact, which PDF/UA forbids
  (Matterhorn 01-005) and screen readers read out on every page. They become pagination
  artifacts here, and their orphaned entries leave the page's parent tree.
- A table's header cells (TH) carry no /Scope (Matterhorn 15-003): a cell of the table's
  first row, or of its THead, heads its column; any other heads its row.
"""

from __future__ import annotations

from pathlib import Path

import pikepdf

_ARTIFACT = pikepdf.Name("/Artifact")
_PAGINATION = pikepdf.Dictionary(Type=pikepdf.Name("/Pagination"))


def _children(element: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    kids = element.get("/K")
    if kids is None:
        return []
    items = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    return [k for k in items if isinstance(k, pikepdf.Dictionary) and "/S" in k]


def _reachable(root: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    found: list[pikepdf.Dictionary] = []
    stack = _children(root)
    while stack:
        element = stack.pop()
        found.append(element)
        stack.extend(_children(element))
    return found


def _parent_tree(root: pikepdf.Dictionary) -> dict[int, pikepdf.Object]:
    tree = root.get("/ParentTree")
    nums = tree.get("/Nums") if isinstance(tree, pikepdf.Dictionary) else None
    if not isinstance(nums, pikepdf.Array):
        return {}
    return {int(nums[i]): nums[i + 1] for i in range(0, len(nums) - 1, 2)}


def _mark_orphans_as_artifacts(
    pdf: pikepdf.Pdf, parents: dict[int, pikepdf.Object], linked: set[tuple[int, int]]
) -> None:
    for page in pdf.pages:
        key = page.obj.get("/StructParents")
        entries = parents.get(int(key)) if key is not None else None
        if not isinstance(entries, pikepdf.Array):
            continue
        orphans = {
            mcid
            for mcid, element in enumerate(entries)
            if isinstance(element, pikepdf.Dictionary) and element.objgen not in linked
        }
        if not orphans:
            continue
        instructions = pikepdf.parse_content_stream(page)
        changed = False
        for index, instruction in enumerate(instructions):
            if not isinstance(instruction, pikepdf.ContentStreamInstruction):
                continue  # an inline image
            operands = instruction.operands
            if str(instruction.operator) != "BDC" or len(operands) != 2:
                continue
            properties = operands[1]
            mcid = properties.get("/MCID") if isinstance(properties, pikepdf.Dictionary) else None
            if mcid is not None and int(mcid) in orphans:
                instructions[index] = pikepdf.ContentStreamInstruction(
                    [_ARTIFACT, _PAGINATION], pikepdf.Operator("BDC")
                )
                changed = True
        if changed:
            page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))
            for orphan in orphans:
                entries[orphan] = None


def _heads_columns(cell: pikepdf.Dictionary) -> bool:
    """A header cell of the THead, or (in a table without one) of the table's first row."""
    row = cell.get("/P")
    section = row.get("/P") if isinstance(row, pikepdf.Dictionary) else None
    if not isinstance(section, pikepdf.Dictionary):
        return False
    if section.get("/S") == "/THead":
        return True
    table = section if section.get("/S") == "/Table" else section.get("/P")
    if not isinstance(table, pikepdf.Dictionary):
        return False
    parts = _children(table)
    if any(part.get("/S") == "/THead" for part in parts):
        return False
    first: pikepdf.Dictionary | None = parts[0] if parts else None
    if first is not None and first.get("/S") != "/TR":
        rows = _children(first)
        first = rows[0] if rows else None
    return first is not None and isinstance(row, pikepdf.Dictionary) and first.objgen == row.objgen


def _scope_header_cells(elements: list[pikepdf.Dictionary]) -> None:
    for element in elements:
        if element.get("/S") != "/TH":
            continue
        scope = pikepdf.Name("/Column") if _heads_columns(element) else pikepdf.Name("/Row")
        attributes = element.get("/A")
        if isinstance(attributes, pikepdf.Dictionary) and attributes.get("/O") == "/Table":
            attributes.Scope = scope
        else:
            element.A = pikepdf.Dictionary(O=pikepdf.Name("/Table"), Scope=scope)


def complete_tagging(pdf: pikepdf.Pdf) -> None:
    """Make the tagged PDF's margin texts artifacts and give its header cells their scope."""
    root = pdf.Root.get("/StructTreeRoot")
    if not isinstance(root, pikepdf.Dictionary):
        return
    elements = _reachable(root)
    _mark_orphans_as_artifacts(pdf, _parent_tree(root), {e.objgen for e in elements})
    _scope_header_cells(elements)


def complete_tagging_of_file(path: Path) -> None:
    """The same on a file, rewritten in place with a deterministic file id (the same content
    gives the same bytes)."""
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        complete_tagging(pdf)
        pdf.save(path, deterministic_id=True)
