"""The background task (Django's task framework, the ``django-tasks`` backport)."""

from django_tasks import task

from billing.documents.services import billing_document_build
from billing.models import GeneratedDocument
from compostela.audit import audit_context


@task()
def generate_billing_document(document_id: int) -> str:
    # the system actor of the job, in the name of the person who asked for the document
    requested_by = GeneratedDocument.objects.filter(pk=document_id).values_list("requested_by", flat=True).first()
    with audit_context(user=requested_by, reason="task: generate_billing_document"):
        return billing_document_build(document_id=document_id)
