"""Set-up scripts; build_danish_dictionary is also imported by the tests of the search."""
