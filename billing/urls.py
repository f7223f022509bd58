from django.urls import path

from billing import cap_views, fee_views, paper_views, views
from billing.submissions import views as submission_views

MONTH = "month/<service_year:year>/<month_number:month>"  # compostela.dates: 2000–2100 and 1–12, else 404

app_name = "billing"
urlpatterns = [
    path("", views.billing_index, name="index"),
    path(f"{MONTH}/close/", views.billing_close, name="close"),
    path(f"{MONTH}/reopen/", views.billing_reopen, name="reopen"),
    path(f"{MONTH}/copay-cap/<int:client_id>/", views.billing_copay_cap, name="copay_cap"),
    path(f"{MONTH}/history/", views.billing_month_history, name="month_history"),
    # the co-payment cap across providers (上限額管理) of one client's month (issue 21)
    path(f"{MONTH}/cap-management/<int:client_id>/", cap_views.billing_cap_management, name="cap_management"),
    path(f"{MONTH}/cap-management/<int:client_id>/result.pdf", cap_views.billing_cap_result_pdf,
         name="cap_result_pdf"),
    path(f"{MONTH}/v<int:version>/", views.billing_month_version, name="version"),
    # the client's papers of a closed month (issue 21)
    path(f"{MONTH}/papers/", paper_views.billing_papers, name="papers"),
    path(f"{MONTH}/papers/invoices/", paper_views.billing_papers_invoices_issue, name="papers_invoices"),
    path(f"{MONTH}/papers/invoices/<int:pk>/payment/", paper_views.billing_papers_payment, name="papers_payment"),
    path(f"{MONTH}/papers/federation/", paper_views.billing_papers_federation, name="papers_federation"),
    path(f"{MONTH}/papers/<str:kind>/<int:pk>.pdf", paper_views.billing_papers_pdf, name="papers_pdf"),
    # after sending (issue 21): the month's sendings and results, a line's result, withdrawal and re-claim
    path(f"{MONTH}/submission/", submission_views.billing_submission, name="submission"),
    path("submissions/<int:pk>/lines/<int:line_id>/result/", submission_views.billing_line_result,
         name="line_result"),
    path("results/<int:pk>/withdraw/", submission_views.billing_line_withdraw, name="line_withdraw"),
    path("results/<int:pk>/reclaim/", submission_views.billing_line_reclaim, name="line_reclaim"),
    path("outstanding/", submission_views.billing_outstanding_list, name="outstanding"),
    path("fees/", fee_views.billing_fees, name="fees"),
    path("fees/load/", fee_views.billing_fee_load, name="fee_load"),
    path("fees/load/confirm/", fee_views.billing_fee_load_confirm, name="fee_load_confirm"),
    path("fees/confirm-value/", fee_views.billing_fee_value_confirm, name="fee_value_confirm"),
    path("fees/settings/", fee_views.billing_fee_settings, name="fee_settings"),
    path("fees/staff-pay/", fee_views.billing_fee_staff_pay, name="fee_staff_pay"),
    path("tier/", views.billing_tier, name="tier"),
    path("tier/override/", views.billing_tier_override, name="tier_override"),
    path("retention-support/no-history-rate/", views.billing_no_history_rate, name="no_history_rate"),
    path("followup-cost/", views.billing_followup_cost, name="followup_cost"),
    # documents and exports (issue 9)
    path(f"{MONTH}/claim-file/", views.billing_claim_file, name="claim_file"),
    path(f"{MONTH}/summary.pdf", views.billing_month_summary_pdf, name="month_summary_pdf"),
    path(f"{MONTH}/claims.<str:fmt>", views.billing_month_export, name="month_export"),
    path("followup-cost/export.<str:fmt>", views.billing_followup_export, name="followup_export"),
    path("documents/new/", views.billing_document_new, name="document_new"),
    path("documents/<int:pk>/status/", views.billing_document_status, name="document_status"),
    path("documents/<int:pk>/download/", views.billing_document_download, name="document_download"),
]
