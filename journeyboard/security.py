"""The Content-Security-Policy nonce, handed to templates.

django-csp's middleware puts a lazy nonce on `request.csp_nonce`. django-htmx's
`{% htmx_script %}` reads it from the template context as `csp_nonce` (the name Django 6's
own CSP support uses) and adds it to the script tags it writes. The nonce stays lazy: only a
page that renders a tag with it makes one, and django-csp then names it in the header.
"""


def csp_nonce(request):
    return {"csp_nonce": getattr(request, "csp_nonce", None)}
