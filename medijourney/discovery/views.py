from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from .forms import TriageForm
from .triage import NOTICE, triage


@require_http_methods(["GET", "POST"])
def triage_page(request: HttpRequest) -> HttpResponse:
    """ "Describe your problem": open to everyone. The text is posted (not put in the URL, so it
    stays out of browser history and access logs) and is not stored."""
    result = None
    if request.method == "POST":
        form = TriageForm(request.POST)
        if form.is_valid():
            result = triage(form.cleaned_data["text"])
    else:
        form = TriageForm()
    context = {"form": form, "result": result, "notice": NOTICE}
    if request.htmx and request.method == "POST":
        return render(request, "discovery/partials/triage_result.html", context)
    return render(request, "discovery/triage.html", context)
