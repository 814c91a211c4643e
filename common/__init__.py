"""Small helpers shared by every app: HTTP, bulk writes, files. Imports no app of ours."""
