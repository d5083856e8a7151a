"""Template context shared by every page: the navigation the signed-in user may use."""

from config.navigation import navigation_for


def navigation(request):
    return {"navigation": navigation_for(request.user, request.path)}
