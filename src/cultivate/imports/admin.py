"""The imports in the Django admin, for platform admins only: a form that starts one and a
page per job that follows it until it ends, then shows its report."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cultivate import policy
from cultivate.core.errors import ActionError
from cultivate.imports.actions import do_start_import
from cultivate.imports.folder import import_root, receive_upload
from cultivate.imports.forms import StartImportForm
from cultivate.imports.models import ImportJob
from cultivate.imports.progress import read_progress
from cultivate.imports.running import give_up_if_abandoned

REFRESH_SECONDS = 2
# The importers' report fields, in words (others are shown by their field name).
COUNT_LABELS = {
    "people": gettext_lazy("placeholder accounts"), "members": gettext_lazy("new members"),
    "questions": gettext_lazy("questions"), "answers": gettext_lazy("answers"),
    "comments": gettext_lazy("comments"), "accepted": gettext_lazy("accepted answers"),
    "topics": gettext_lazy("topics"), "posts": gettext_lazy("posts"),
    "messages": gettext_lazy("messages"), "attachments": gettext_lazy("attachments"),
    "revisions": gettext_lazy("earlier versions"), "helpful": gettext_lazy("helpful marks"),
}


def counted(counts: dict) -> list[tuple[str, int]]:
    return [(str(COUNT_LABELS.get(name, name.replace("_", " "))), value)
            for name, value in counts.items()]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind", "community", "status", "started_by", "created_at",
                    "finished_at")
    list_filter = ("kind", "status")

    def has_module_permission(self, request):
        return policy.is_platform_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return policy.is_platform_admin(request.user)

    def has_add_permission(self, request):
        return policy.is_platform_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return False  # a job is a record of what happened

    def has_delete_permission(self, request, obj=None):
        return policy.is_platform_admin(request.user) and (obj is None or obj.finished)

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = StartImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            job = self._start(request, form)
            if job is not None:
                # No flash message: the job page may be read while an import holds SQLite's
                # one writer, and a message would make the session write.
                return redirect(reverse("admin:imports_importjob_change", args=[job.pk]))
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "title": _("Start an import"), "form": form, "import_root": import_root(),
                   **(extra_context or {})}
        return TemplateResponse(request, "admin/imports/importjob/start.html", context)

    @staticmethod
    def _start(request, form: StartImportForm) -> ImportJob | None:
        data = form.cleaned_data
        upload = data["upload"]
        try:
            source = data["path"] or receive_upload(upload)
        except ActionError as error:
            form.add_error("upload", error.message)
            return None
        return do_start_import(
            actor=request.user, kind=data["kind"], source=source, community=data["community"],
            category_map=data["category_map"], site=data["site"].strip(),
            list_name=data["list_name"].strip(), uploaded_name=upload.name if upload else "")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        job = get_object_or_404(ImportJob.objects.select_related("community", "started_by"),
                                pk=object_id if str(object_id).isdigit() else None)
        give_up_if_abandoned(job)
        live = None if job.finished else read_progress(job.pk)
        stage, done, total = ((live["stage"], live["done"], live["total"]) if live
                              else (job.stage, job.done, job.total))
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "title": str(job), "job": job, "stage": stage, "done": done, "total": total,
                   "refresh": None if job.finished else REFRESH_SECONDS,
                   "counts": counted(job.counts), **(extra_context or {})}
        return TemplateResponse(request, "admin/imports/importjob/job.html", context)
