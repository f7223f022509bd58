"""After sending (issue 21): the sending of a month's claim file, the 国保連's result for each client line
(accepted, returned 返戻, withdrawn later by 過誤申立), the re-claim of a returned or withdrawn line in a later
month's file (月遅れ請求), and what is still outstanding.

* ``models``: ``ClaimSubmission``, ``ClaimResult``, ``LateClaim`` (their constraints back every rule);
* ``rules``: pure functions — which lines are paid (``claim_lines_received``) and what is outstanding;
* ``services``: the writes (``@audited``, ``by=``), each refusing an impossible step with its code;
* ``selectors``: the reads of the screens and of the claim file.
"""
