"""Budget tables, pools and allocations live here (see DESIGN.md)."""
