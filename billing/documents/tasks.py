"""The background task (Django's task framework, the ``django-tasks`` backport)."""

from django_tasks import task

from billing.documents.services import billing_document_build


@task()
def generate_billing_document(document_id: int) -> str:
    return billing_document_build(document_id=document_id)
