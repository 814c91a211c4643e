"""State changes of the core, one module per family; every service takes the acting user as
`actor=`."""
