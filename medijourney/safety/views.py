from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .numbers import AS_OF, SOURCE, country_choices, number_for, visitor_country


@require_GET
def emergency_page(request: HttpRequest) -> HttpResponse:
    """The local emergency number for a chosen country (the chooser on the emergency message
    lands here; with htmx only the number is swapped in place). Open to everyone."""
    code, how = visitor_country(request, request.GET.get("country"))
    context = {
        "number": number_for(code),
        "country_from": how,
        "countries": country_choices(),
        "source": SOURCE,
        "as_of": AS_OF,
    }
    if getattr(request, "htmx", False):
        return render(request, "safety/partials/emergency_number.html", context)
    return render(request, "safety/emergency.html", context)
