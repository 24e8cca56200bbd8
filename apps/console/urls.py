"""Console URLs (/t/<team>/...)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from apps.console import views

app_name = "console"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("t/<slug:team>/", views.team_home, name="team-home"),
    path("t/<slug:team>/applications/new", views.application_create, name="application-create"),
    path("t/<slug:team>/projects/", views.project_list, name="projects"),
    path("t/<slug:team>/projects/<slug:project>/", views.project_detail, name="project"),
    path("t/<slug:team>/cloud-accounts/", views.cloud_account_list, name="cloud-accounts"),
]
