"""URLs of the coordinator's own screens (the viewsets register theirs themselves)."""

from django.urls import path

from .views import missions, people, privacy

urlpatterns = [
    path("people/<int:pk>/timeline/", people.TimelineView.as_view(), name="timeline"),
    path("volunteers/<int:pk>/vetting/", people.VettingView.as_view(), name="vetting"),
    path("visits/<int:pk>/report/", missions.VisitReportView.as_view(), name="visit_report"),
    path("requests/<int:pk>/status/", missions.RequestStatusView.as_view(), name="request_status"),
    path("missions/<int:pk>/end/", missions.MissionActionView.as_view(), name="end_mission"),
    path(
        "missions/<int:pk>/schedule/",
        missions.MissionScheduleView.as_view(),
        name="mission_schedule",
    ),
    path("people/<int:pk>/data/", privacy.SubjectAccessView.as_view(), name="subject_access"),
    path("people/<int:pk>/anonymise/", privacy.AnonymiseView.as_view(), name="anonymise"),
]
