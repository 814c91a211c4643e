"""The council's PDF: minutes and agenda rendered by WeasyPrint in a Celery worker.

`render` builds the HTML and turns it into a PDF with a URL fetcher that admits only the app's
own static files and `data:` URLs; `services` holds the job's state changes; `tasks` is the thin
Celery adapter; `api` and `views` are the JSON and htmx entry points.
"""
