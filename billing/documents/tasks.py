"""The background tasks of the billing documents (Procrastinate; workers: ``manage.py procrastinate worker``)."""

from procrastinate.contrib.django import app

from billing.documents.services import billing_document_build, billing_documents_recover_stalled
from billing.models import GeneratedDocument
from compostela.audit import audit_context


@app.task(name="billing.generate_document")
def generate_billing_document(document_id: int) -> str:
    # the system actor of the job, in the name of the person who asked for the document
    requested_by = GeneratedDocument.objects.filter(pk=document_id).values_list("requested_by", flat=True).first()
    with audit_context(user=requested_by, reason="task: generate_billing_document"):
        return billing_document_build(document_id=document_id)


@app.periodic(cron="* * * * *", periodic_id="recover_stalled_documents")
@app.task(name="billing.recover_stalled_documents", queueing_lock="billing.recover_stalled_documents")
async def recover_stalled_documents(timestamp: int) -> None:
    """Every minute, in whichever worker defers it first: documents of workers that stopped beating."""
    await billing_documents_recover_stalled()
