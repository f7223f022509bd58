"""The client's papers of a closed month (issue 21): the co-payment invoice (利用者負担額請求書), the payment and its
receipt (領収書), the 国保連's payment and the notice of proxy receipt (代理受領通知書); their PDFs per client and
for the whole office.  Every figure is read from the month's stored snapshot (``ClaimLine``), never recomputed."""
