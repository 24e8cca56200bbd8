"""REST API for teams, team members, projects and project members (one class per operation)."""

from __future__ import annotations

from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.apis import paginated_response
from apps.core.serializers import InputSerializer, validated
from apps.teams import access, selectors, services
from apps.teams.models import Membership, Project, ProjectMembership, ProjectRole, Team, TeamRole
from apps.users.selectors import request_user

# ------------------------------------------------------------------ shared output


class TeamOutput(serializers.ModelSerializer):
    timeZone = serializers.CharField(source="time_zone")
    createdAt = serializers.DateTimeField(source="created_at")

    class Meta:
        model = Team
        fields = ["slug", "name", "description", "timeZone", "createdAt"]


class MemberOutput(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username")
    displayName = serializers.CharField(source="user.label")
    createdAt = serializers.DateTimeField(source="created_at")

    class Meta:
        model = Membership
        fields = ["username", "displayName", "role", "createdAt"]


class ProjectMemberOutput(MemberOutput):
    class Meta(MemberOutput.Meta):
        model = ProjectMembership  # type: ignore[assignment]


class ProjectOutput(serializers.ModelSerializer):
    team = serializers.CharField(source="team.slug")
    createdAt = serializers.DateTimeField(source="created_at")

    class Meta:
        model = Project
        fields = ["team", "slug", "name", "description", "createdAt"]


# ------------------------------------------------------------------ teams


class TeamListApi(APIView):
    OutputSerializer = TeamOutput
    paginated = True

    def get(self, request: Request) -> Response:
        return paginated_response(
            request=request,
            view=self,
            ordering="slug",
            queryset=selectors.team_list(user=request.user),
            serializer_class=TeamOutput,
        )


class TeamCreateApi(APIView):
    OutputSerializer = TeamOutput
    success_status = 201

    class InputSerializer(InputSerializer):
        slug = serializers.CharField(max_length=50)
        name = serializers.CharField(max_length=100, required=False, allow_blank=True)
        description = serializers.CharField(required=False, allow_blank=True, max_length=4000)
        timeZone = serializers.CharField(source="time_zone", required=False, max_length=64)

    def post(self, request: Request) -> Response:
        data = validated(self.InputSerializer, request.data)
        team = services.team_create(
            creator=request_user(request),
            slug=data["slug"],
            name=data.get("name", ""),
            description=data.get("description", ""),
            time_zone=data.get("time_zone", "UTC"),
        )
        return Response(TeamOutput(team).data, status=status.HTTP_201_CREATED)


class TeamDetailApi(APIView):
    OutputSerializer = TeamOutput

    def get(self, request: Request, team: str) -> Response:
        return Response(TeamOutput(access.access_team_by_slug(request.user, team)).data)


class TeamUpdateApi(APIView):
    OutputSerializer = TeamOutput

    class InputSerializer(InputSerializer):
        name = serializers.CharField(max_length=100, required=False)
        description = serializers.CharField(required=False, allow_blank=True, max_length=4000)
        timeZone = serializers.CharField(source="time_zone", required=False, max_length=64)

    def patch(self, request: Request, team: str) -> Response:
        team_obj = access.access_team_by_slug(request.user, team, "change_team")
        data = validated(self.InputSerializer, request.data)
        return Response(TeamOutput(services.team_update(team=team_obj, data=data)).data)


class TeamDeleteApi(APIView):
    def delete(self, request: Request, team: str) -> Response:
        services.team_delete(team=access.access_team_by_slug(request.user, team, "delete_team"))
        return Response(status=status.HTTP_204_NO_CONTENT)


# ------------------------------------------------------------------ team members


class TeamMemberListApi(APIView):
    OutputSerializer = MemberOutput
    paginated = True

    def get(self, request: Request, team: str) -> Response:
        team_obj = access.access_team_by_slug(request.user, team)
        return paginated_response(
            request=request,
            view=self,
            ordering="id",
            queryset=selectors.team_member_list(team=team_obj),
            serializer_class=MemberOutput,
        )


class TeamMemberAddApi(APIView):
    OutputSerializer = MemberOutput
    success_status = 201

    class InputSerializer(InputSerializer):
        username = serializers.CharField(max_length=150)
        role = serializers.ChoiceField(choices=TeamRole.choices, default=TeamRole.MEMBER)

    def post(self, request: Request, team: str) -> Response:
        team_obj = access.access_team_by_slug(request.user, team, "manage_members")
        data = validated(self.InputSerializer, request.data)
        membership = services.team_member_add(actor=request_user(request), team=team_obj, **data)
        return Response(MemberOutput(membership).data, status=status.HTTP_201_CREATED)


class TeamMemberUpdateApi(APIView):
    OutputSerializer = MemberOutput

    class InputSerializer(InputSerializer):
        role = serializers.ChoiceField(choices=TeamRole.choices)

    def patch(self, request: Request, team: str, username: str) -> Response:
        team_obj = access.access_team_by_slug(request.user, team, "manage_members")
        data = validated(self.InputSerializer, request.data)
        membership = services.team_member_update(
            actor=request_user(request), team=team_obj, username=username, role=data["role"]
        )
        return Response(MemberOutput(membership).data)


class TeamMemberRemoveApi(APIView):
    def delete(self, request: Request, team: str, username: str) -> Response:
        team_obj = access.access_team_by_slug(request.user, team, "manage_members")
        services.team_member_remove(actor=request_user(request), team=team_obj, username=username)
        return Response(status=status.HTTP_204_NO_CONTENT)


# ------------------------------------------------------------------ projects


class ProjectListApi(APIView):
    OutputSerializer = ProjectOutput
    paginated = True

    def get(self, request: Request, team: str) -> Response:
        team_obj = access.access_team_by_slug(request.user, team)
        return paginated_response(
            request=request,
            view=self,
            ordering="id",
            queryset=selectors.project_list(user=request.user, team=team_obj),
            serializer_class=ProjectOutput,
        )


class ProjectCreateApi(APIView):
    OutputSerializer = ProjectOutput
    success_status = 201

    class InputSerializer(InputSerializer):
        slug = serializers.CharField(max_length=50)
        name = serializers.CharField(max_length=100, required=False, allow_blank=True)
        description = serializers.CharField(required=False, allow_blank=True, max_length=4000)

    def post(self, request: Request, team: str) -> Response:
        team_obj = access.access_team_by_slug(request.user, team, "manage_projects")
        data = validated(self.InputSerializer, request.data)
        project = services.project_create(team=team_obj, **data)
        return Response(ProjectOutput(project).data, status=status.HTTP_201_CREATED)


def _project(request: Request, team: str, project: str, perm: str = "view_project") -> Project:
    team_obj = access.access_team_by_slug(request.user, team)
    return access.access_project_by_slug(request.user, team_obj, project, perm)


class ProjectDetailApi(APIView):
    OutputSerializer = ProjectOutput

    def get(self, request: Request, team: str, project: str) -> Response:
        return Response(ProjectOutput(_project(request, team, project)).data)


class ProjectUpdateApi(APIView):
    OutputSerializer = ProjectOutput

    class InputSerializer(InputSerializer):
        name = serializers.CharField(max_length=100, required=False)
        description = serializers.CharField(required=False, allow_blank=True, max_length=4000)

    def patch(self, request: Request, team: str, project: str) -> Response:
        project_obj = _project(request, team, project, "change_project")
        data = validated(self.InputSerializer, request.data)
        return Response(ProjectOutput(services.project_update(project=project_obj, data=data)).data)


class ProjectDeleteApi(APIView):
    def delete(self, request: Request, team: str, project: str) -> Response:
        project_obj = _project(request, team, project)
        access.require_team_perm(
            request.user, project_obj.team, "manage_projects", "delete a project"
        )
        services.project_delete(project=project_obj)
        return Response(status=status.HTTP_204_NO_CONTENT)


# ------------------------------------------------------------------ project members


class ProjectMemberListApi(APIView):
    OutputSerializer = ProjectMemberOutput
    paginated = True

    def get(self, request: Request, team: str, project: str) -> Response:
        project_obj = _project(request, team, project)
        return paginated_response(
            request=request,
            view=self,
            ordering="id",
            queryset=selectors.project_member_list(project=project_obj),
            serializer_class=ProjectMemberOutput,
        )


class ProjectMemberAddApi(APIView):
    OutputSerializer = ProjectMemberOutput
    success_status = 201

    class InputSerializer(InputSerializer):
        username = serializers.CharField(max_length=150)
        role = serializers.ChoiceField(choices=ProjectRole.choices, default=ProjectRole.DEVELOPER)

    def post(self, request: Request, team: str, project: str) -> Response:
        project_obj = _project(request, team, project, "manage_project_members")
        data = validated(self.InputSerializer, request.data)
        membership = services.project_member_add(project=project_obj, **data)
        return Response(ProjectMemberOutput(membership).data, status=status.HTTP_201_CREATED)


class ProjectMemberUpdateApi(APIView):
    OutputSerializer = ProjectMemberOutput

    class InputSerializer(InputSerializer):
        role = serializers.ChoiceField(choices=ProjectRole.choices)

    def patch(self, request: Request, team: str, project: str, username: str) -> Response:
        project_obj = _project(request, team, project, "manage_project_members")
        data = validated(self.InputSerializer, request.data)
        membership = services.project_member_update(
            project=project_obj, username=username, role=data["role"]
        )
        return Response(ProjectMemberOutput(membership).data)


class ProjectMemberRemoveApi(APIView):
    def delete(self, request: Request, team: str, project: str, username: str) -> Response:
        project_obj = _project(request, team, project, "manage_project_members")
        services.project_member_remove(project=project_obj, username=username)
        return Response(status=status.HTTP_204_NO_CONTENT)
