/*
 * proto.h: the plurix DSM protocol, every message in one place (Barrelfish
 * style), and the codecs of their payloads (dsm/msg.c). The heap is a set of
 * 4 KB pages kept consistent by restartable transactions, after Plurix.
 *
 * ROLES
 *   Every node runs the same core. One node (the master, `manager` in
 *   struct dsm_node) also runs the commit-token manager (dsm/mgr.c): it
 *   sequences commits, so it is the authority for the 64-bit global time.
 *
 * GLOBAL TIME AND VERSIONS
 *   Commit number t is global time t. A page's version is the time of the
 *   commit that last wrote it (0: the empty heap the master created).
 *   node.gtime is the last commit this node applied; it applies commits in
 *   order and only in order. Every frame carries the sender's gtime.
 *   page.known (k) is the newest write of a page this node knows of; it is
 *   exact from commits, an upper bound after a recovery.
 *
 * CLOCKS
 *   Every timer (retries, leases, beacons, fences, takeovers) counts ticks of
 *   its own node's clock, and no frame carries a tick. A rule that weighs one
 *   node's timer against another's holds only while every clock runs within
 *   DSM_CLOCK_DRIFT_PPM of real time (param.h, DSM_OUTLASTS); 11.2's margin
 *   is the tight one.
 *
 * PAGE STATES (per node, dsm/page.c)
 *     ABSENT --fetch ok--> REPLICA --commit by other--> ABSENT
 *     REPLICA --own commit writes it--> OWNED
 *     OWNED --commit by other writes it--> ABSENT
 *     OWNED/REPLICA --recovery bitmap names it--> ABSENT
 *   Orthogonal: in this transaction's access set (mapped READ) and write set
 *   (shadowed, mapped WRITE). Outside a transaction every page is NONE, so the
 *   first access of each transaction faults and is recorded (the read set).
 *
 * TRANSACTION STATES (per node, txn/txn.c)
 *     IDLE -> [starving: TOKEN_FIRST ->] RUNNING <-> (fetch wait)
 *     RUNNING -commit, read-only-> COMMITTED
 *     RUNNING -commit-> WAIT_TOKEN -grant, caught up-> COMMITTING
 *     COMMITTING -Commit/CommitAck for our grant-> COMMITTED
 *     COMMITTING -CommitReject, or another node's commit at our t-> ABORTED
 *     RUNNING/WAIT_TOKEN -conflicting commit or recovery-> ABORTED
 *     any fetch of a page nobody serves within the timeout -> FAILED
 *   COMMITTED/ABORTED/FAILED stay until the caller begins the next one.
 *   COMMITTING never aborts on a commit frame alone: see 3.
 *
 * MESSAGES (numbered sequences; R requester, O owner, C committer, M manager)
 *
 * 1. Page fetch (dsm/page.c)
 *   1.1 R -> all  PageReq(page, req, R.gtime)     retried: 6,12,24,48,48.. ticks
 *   1.2 O -> R    PageData(page, req, v, O.gtime, part 0..2)  only the owner,
 *                 from the shadow if O's transaction wrote the page, iff
 *                 O not recovering, O.gtime >= R.gtime and v <= R.gtime;
 *       O -> R    PageStale(page, req, v, O.gtime) if v > R.gtime (R is behind:
 *                 it catches up, see 4, and asks again; its running
 *                 transaction, on a stale snapshot, aborts, which counts
 *                 towards the contention manager, 5).
 *                 O.gtime < R.gtime: O is behind; it stays silent and catches up.
 *   1.3 R installs iff req is its current request, all parts are of one
 *       version v, and v <= R.gtime && R.known[page] <= O.gtime     (rule F)
 *       Parts of v from two servers (an owner and a PageServer, 8.7)
 *       combine: one version has one content; O.gtime is then the later of
 *       the two (each vouches for v up to its own time). A part of a newer
 *       version starts the page over; an older one is dropped.
 *       No answer at all for DSM_FETCH_TIMEOUT_TICKS while R could ask (a
 *       recovering R, 4, sends no PageReq: its wait begins again when it is
 *       current, so its silence never reads as a lost owner): the fault returns
 *       DSM_EUNAVAIL, the transaction FAILS with a clear error (the owner is
 *       gone: a PageServer serves the page if it is an orphan, 8.7, and
 *       else the manager resets the heap to the last checkpoint, 10).
 *   Rule F is why a fetched page is never stale: O's copy equals the page at
 *   every time in [v, O.gtime] (O applied every commit up to O.gtime, so any
 *   write in that range would have taken the page from it). R's snapshot is
 *   R.gtime. If R.gtime <= O.gtime the copy is the page at R.gtime. Else
 *   known <= O.gtime says R applied no write of the page in (O.gtime,
 *   R.gtime], and R applied every commit up to R.gtime: same page.
 *
 * 2. Join (dsm/node.c, dsm/mgr.c)
 *   2.1 N -> all  JoinReq(nonce)                   retried
 *   2.2 M -> N    JoinAck(nonce, t, manager, npages, reset t', its image time)
 *                 M forgets N's old grant
 *       N starts with no pages, gtime = t, known[*] = t; the heap is after
 *       the reset at t' (10), if any (a PageServer: 7.6).
 *
 * 3. Commit (txn/txn.c client, dsm/mgr.c manager)
 *   3.1 C -> M    TokenReq(txn, starving)          retried; queued at M in
 *                 arrival order (starving shows in traces; M never ranks by it, 5)
 *   3.2 M -> C    TokenGrant(txn, grant, t = M.time)  one holder at a time:
 *                 a checkpoint first (8.2), then first come first served.
 *                 Re-sent when C repeats 3.1. Lease: M revokes a holder that
 *                 is silent for DSM_LEASE_TICKS (crashed or cut off).
 *   3.3 C waits until C.gtime == t (catching up may abort it: 3.8), then
 *       C -> M    CommitReq(grant, part i/n, pages)  retried until 3.5/3.6
 *       (C -> M   TokenKeep(grant) while a starving C runs under the token)
 *   3.4 M, with every part, the grant still current and held by C: decides
 *                 t+1, records last_write[p] = t+1, last_writer[p] = C, then
 *       M -> all  Commit(t+1, grant, C, part i/n, pages)  (and to itself)
 *   3.5 C applies Commit for its grant: owner of the pages at version t+1.
 *       Others apply it: drop the pages, known = t+1, abort a transaction
 *       whose access set holds one of them.
 *   3.6 M -> C    CommitAck(grant, t+1) when C repeats 3.3 after the decision;
 *       M -> C    CommitReject(grant) if the grant was revoked: C aborts.
 *   3.7 C -> M    TokenReturn(txn, grant) when C aborted while waiting.
 *   3.8 A commit that arrives at a node with t <= gtime is a duplicate;
 *       t > gtime+1 is buffered (DSM_COMMIT_WINDOW) and applied in order.
 *   Why first request wins and nothing commits twice: only M decides, one
 *   grant at a time, and a grant is decided at most once, at M.time+1; a
 *   revoked grant is never decided. C cannot be aborted in COMMITTING by
 *   a commit it never saw, because no other commit is decided while its grant
 *   is current; a foreign commit at C.gtime+1 proves the grant is dead.
 *   3.9 A read-only transaction (no write when its body ends) asks for the
 *       manager's time before it commits, so it sees every commit that was
 *       acknowledged anywhere before it began (strict serializability):
 *       C -> M    TimeReq(txn)                      retried; nothing queued
 *       M -> C    TimeAck(txn, t = M.time)          iff M is the manager and
 *                 not fenced (11.1); M asks itself without a frame,
 *                 and its own read-only transaction fails (TXN_EFENCED)
 *                 while it is fenced
 *       C, iff txn is its current attempt: commits once C.gtime >= t (it
 *       catches up as in 4; a commit applied meanwhile that wrote a page of
 *       its access set aborts it, 3.5), serialised at C.gtime. A starving
 *       transaction that holds a current grant commits at once: no commit is
 *       decided while it holds the token, so M.time is still its grant's t.
 *       No answer within DSM_TOKEN_WAIT_TICKS: FAILED (TXN_ENOTOKEN), as a
 *       writer; fenced: TXN_EFENCED. txn_commit_snapshot commits a read-only
 *       transaction at once instead (serialisable, not strict): an explicit
 *       choice of the caller, never the default.
 *   Why reads are strict: T1's caller is told after M decided T1 at t1 (3.5,
 *   3.6), so M.time >= t1 from then on. T2 began after that, and sends
 *   TimeReq after it began, so every TimeAck for T2's attempt says t >= t1
 *   (a duplicate or a late one too: it answers a request of this attempt,
 *   sent after T2 began; an older attempt's is refused by its id). Every
 *   page T2 read was valid at C.gtime when it was read (rule F) and stays
 *   valid while no applied commit writes it (3.5 aborts T2 otherwise), so at
 *   C.gtime >= t >= t1 T2's reads are the heap at C.gtime: after T1. Across
 *   a takeover (11): an old manager answers only while it is not fenced, and
 *   it fences before P's epoch begins (11.2's margin), so a TimeAck of the
 *   old epoch answers a T2 that began before any commit of the new one.
 *   Across a reset (10): the reset is a commit at t' that wrote every page.
 *   Read-only transactions commit without the token (serialised at C.gtime;
 *   opacity holds since every page read was valid at C.gtime).
 *
 * 4. Missed commits and recovery (dsm/gtime.c, dsm/mgr.c)
 *   A node is behind when a frame shows a time above its gtime (a gap in the
 *   commits, a missing part, a grant for a later time, a beacon). Behind for
 *   DSM_BEHIND_GRACE_TICKS: RECOVERING. A recovering node serves no page,
 *   asks for no token and fetches nothing.
 *   4.1 N -> M    RecoverReq(nonce, N.gtime = g)      retried
 *   4.2 M -> N    RecoverAck(nonce, t = M.time, N's last decided grant and
 *                 its time, bitmap of pages p with last_write[p] > g and
 *                 last_writer[p] != N), in parts of span pages (at most 32,
 *                 span <= DSM_RECOVER_SPAN: a 256 MB heap is 8 frames), all
 *                 sent at once at the one time t. N keeps the parts of the
 *                 newest t it heard for its nonce; a lost part: N's retry.
 *   4.3 N, iff nonce current, t >= gtime and every part of t arrived: first its own pending commit if
 *       M decided it (3.5), else abort it; then drop every page in the bitmap,
 *       known = t for them, abort a transaction that touched one; gtime = t;
 *       buffered commits <= t are discarded.
 *   The rule that no stale page is served: after 4.3 N holds no page written
 *   in (g, t] by anyone else; pages it wrote itself in that range are exactly
 *   its pending commit, just applied. So N again holds only pages valid at
 *   gtime, and rule F and the serve condition of 1.2 hold as before. Before
 *   4.3 N may still be a stale owner of a page, but it serves only requesters
 *   with time <= N.gtime, for whom its copy is the right one (1.3).
 *   Beacon: M -> all Beacon(t) every DSM_BEACON_TICKS, so an idle node learns
 *   it missed the last commit.
 *
 * 5. Contention manager (txn/txn.c, dsm/mgr.c)
 *   A transaction that aborted DSM_STARVE_AFTER times asks for the token
 *   *before* it runs (TOKEN_FIRST, TokenReq with starving=1), catches up to
 *   the grant's time, then runs and commits while holding it, renewing the
 *   lease with TokenKeep. M grants every request in arrival order, starving
 *   or not (a checkpoint's first, 8.2): ranking starving requests first let
 *   a stream of them keep an optimistic commit waiting for ever (seed 8522:
 *   three nodes' CommitReqs waited 700 ticks behind 28 starving grants).
 *   A starving holder that waits on a fetch for DSM_HOLD_FETCH_TICKS (the
 *   owner may be gone) gives the token back (TokenReturn) and asks again at
 *   once, so one lost page cannot stop every commit.
 *   Why nobody starves: an abort needs a conflicting commit; no commit is
 *   decided while the starving node holds the grant, so its run cannot abort
 *   by conflict. M's queue holds at most one request per node, each holder
 *   keeps the token a bounded time (its body is bounded, every fetch times
 *   out, the lease bounds a silent holder), so every request, starving or
 *   not, is granted within (nodes-1) holds and the checkpoints begun
 *   meanwhile. Retries are <= DSM_STARVE_AFTER + 1 without faults, so a unit
 *   of work waits at most DSM_STARVE_AFTER + 1 such queues.
 *
 * 6. Failure
 *   Fail-stop: a crashed node's owned pages are gone (fetches time out, the
 *   transaction FAILS with DSM_EUNAVAIL). A holder's crash costs one lease.
 *   The manager is not replicated: if it fails, token requests time out and
 *   transactions FAIL with TXN_ENOTOKEN, until the PageServer takes over from
 *   its last checkpoint (11; a PageServer that was the manager does so when it
 *   reboots, 11.4). Without a PageServer the cluster waits for the manager.
 *
 * 7. Restore (dsm/node.c, dsm/ps.c; P the PageServer, a node with a disk)
 *   7.1 M -> all  RestoreReq(nonce)       a master booted with image=1, retried,
 *                 M is RESTORING: it answers nobody until 7.3
 *   7.2 P -> M    RestoreAck(nonce, t, npages, has_image)  P answers only while it
 *                 is still joining (its image is the heap's only copy then);
 *                 it knows every image page's version before it answers
 *                 anything (the contents stay on its disk until asked for)
 *   7.3 M, image of its heap size: gtime = M.time = t, owns no page, known[*]
 *       = t; no image, or nobody in DSM_RESTORE_WAIT_TICKS: a new heap.
 *   7.4 P joins (2) at t. Same time as its image: its pages are the heap
 *       (known = their versions, exact) and all of them are orphans, served
 *       by P at once (8.7) until a commit writes them. Another time: the
 *       image is of another life; P drops it and its next checkpoint is full.
 *   7.5 P, joined without the heap's image, knows of every page only known =
 *       join time (an upper bound), so a full checkpoint would fetch every
 *       page of the heap. It asks instead for the written-pages map:
 *       P -> M   RecoverReq(nonce, 0, ZERO_MAP)     retried; P stays current
 *       M -> P   RecoverAck(..., ZERO_MAP) as 4.2 with g = 0 and every writer
 *                (P's own earlier life too): pages ever written; every page
 *                if M's heap was restored (last_write 0 is the image's page).
 *       P: a page not in the map, absent, with known still the join time
 *       (no commit since wrote it) was never written: known = 0, the zero
 *       page. A page written after M answered has known > join time.
 *   7.6 P, joined after a reset t' to the checkpoint its disk holds (JoinAck:
 *       the image time is at most P's, and P's is before t'), asks as 7.5
 *       with g = t': pages written after t'. Every other page is still the
 *       reset's: known = saved = t', an orphan read back from the disk when
 *       asked for (7.4). (Else the pages only the reset wrote would have no
 *       server at all.) P's image may be newer than the one M named: M may
 *       have missed its CkptDone, or its write failed only in the flush; but
 *       P's disk is what P reloads at a reset (10.3), its image never goes
 *       back, and every checkpoint after t' is newer than t', so an image
 *       older than t' is the one the reset's pages are.
 *
 * 8. Checkpoint (dsm/ps.c, manager side in dsm/mgr.c)
 *   8.1 any -> all CkptAsk(nonce)          or P's own period (ckpt=<s>)
 *   8.2 P -> M    TokenReq(id, checkpoint)  granted before anybody else
 *   8.3 M -> P    TokenGrant(id, grant, t)  no commit can be decided now: the
 *                 heap stands still at t while transactions run on
 *   8.4 P catches up to t, then walks the pages modified since its image
 *       (known > saved; a full checkpoint: every page not zero). Each is
 *       staged from P's own copy if current (version == known), else
 *       fetched (1) and staged. TokenKeep renews the lease meanwhile.
 *   8.5 P -> M    TokenReturn; then the environment writes the staged pages
 *                 and a commit record with t (pageserver/format.h).
 *                 A collection that waits on one fetch DSM_HOLD_FETCH_TICKS
 *                 returns the token at once and goes back to 8.1 (as 5 does
 *                 for a starving holder): the cluster never stands still for
 *                 a fetch timeout; a page that then times out ends it (EFETCH).
 *   8.6 P -> all  CkptDone(nonce, t, pages, status); saved[] = the versions
 *                 written. A failed checkpoint (a page nobody served, the
 *                 disk, a lost lease) changes nothing on disk or in saved[].
 *       The checkpoint M granted is open from the grant until M hears how it
 *       ended: its CkptDone, or P's Beacon(t, last, LAST_OK) to M (10.2) whose
 *       `last` (the grant time of the last checkpoint P ended) is at or after
 *       the grant's time (LAST_OK: it was written, a good image as from a
 *       CkptDone). While one is open M decides no reset (10.2): P writes
 *       after it returned the token, so a reset decided meanwhile would name
 *       the image before, and P, applying it, would reload the one it just
 *       wrote (seed 1796242340722695: the reset named the image of 33, P had
 *       committed 77's a tick before).
 *   8.7 P serves PageReq for page p if its copy is current, rule 1.2 holds,
 *       and p is an orphan (7.4) or the same request came DSM_PS_REPEATS
 *       times more (the owner is silent). A current copy equals the owner's
 *       committed page at every time up to P.gtime, so rule F keeps it safe.
 *   8.8 P snoops: the segment is a hub where a PageServer is (tools/cluster),
 *       so P sees PageData between other nodes; it keeps a page that went by
 *       iff it has none, its version v == P.known[p] (the newest write P
 *       knows of: exact from commits, an upper bound that then refuses it)
 *       and v <= P.gtime: rule F holds, and a later write's commit drops it
 *       like any copy. A checkpoint then fetches only what did not go by.
 *   8.1 begins with a prefetch of the modified pages P lacks, without the
 *       token, DSM_PS_PULLS fetches (1) in flight at once; under the token
 *       (8.3) only pages written again meanwhile are fetched, so the cluster
 *       stands still for the staging and little else. A prefetch fetch nobody
 *       answers in DSM_FETCH_TIMEOUT_TICKS ends the checkpoint (EFETCH) and
 *       tells M (10.1). A page whose newest version is on P's disk (known ==
 *       saved) is read back from the disk instead (7.4: a restored image is
 *       read as it is asked for, not loaded at boot).
 *   Why the image is consistent: every staged page is the page at time t
 *   (nothing commits while P holds the grant; P applied every commit up to
 *   t); pages not staged were unchanged since the image, which was the heap
 *   at its own time. P runs no transactions: its one fetch is the
 *   checkpoint's.
 *
 * 10. Reset: a page lost with its owner (dsm/mgr.c, dsm/gtime.c, dsm/ps.c)
 *   10.1 R -> M   Lost(page)             R's fetch timed out (1.3): nobody served
 *   10.2 M resets iff a good checkpoint exists (image_good_t, from CkptDone),
 *        the page was written after it by another node (so the image lacks
 *        the newest version), the checkpoint is not older than M's seal of
 *        the code area (12.3; else M counts the loss, n_lost_no_code, and
 *        resets nothing: the page is lost as if there were no checkpoint),
 *        and P was heard from within DSM_PS_SILENT_TICKS
 *        (P -> M Beacon every DSM_BEACON_TICKS: P is on M's side); without
 *        P, M resets nothing and counts the loss (n_lost_no_ps: the
 *        environment says it waits), and the next Lost after P is back
 *        resets. A Lost while a checkpoint is open (8.6) waits for it to
 *        close (n_lost_deferred; the last one is kept) and is then decided
 *        as if it came then: the image may have the page by then. Then
 *        t' = ++M.time; last_write[*] = t', last_writer[*] = nobody; a held
 *        grant is revoked (its CommitReq gets CommitReject).
 *        M -> all Reset(t', image time, page, owner)  DSM_RESET_SENDS times
 *   10.3 Every node: a transaction aborts; every page goes; gtime = known[*]
 *        = t'. P instead reloads every page from the disk's newest good
 *        checkpoint at version t', all orphans (7.4); a page the disk fails
 *        to read stays there (saved = t'), read back when asked for, as an
 *        image page not loaded at boot (7.4). A node that misses the
 *        Reset recovers (4): the RecoverReq of a node behind t' gets the
 *        Reset again first, then the bitmap of pages written after t'.
 *        P's next checkpoint is full; it leaves out the pages still the zero
 *        page the reset gave them, as it leaves out pages never written.
 *   The reset is a step of the global time that writes every page with the
 *   image's contents, so every rule above holds across it; the work
 *   committed after the image is gone, everywhere, and every node says so.
 *   A partition: M's side resets only with P (10.2); a side without M
 *   cannot commit (no token) and waits, saying so (the kernel prints it when
 *   M is silent for long); when it heals it catches up (4, 10.3). P on the
 *   side without M: 11.
 *
 * 11. Takeover: the PageServer's side goes on without the manager (dsm/mgr.c,
 *     dsm/ps.c, dsm/gtime.c)
 *   The global time is epoch << DSM_EPOCH_SHIFT | commits: a new epoch's
 *   times are above every time of the older ones.
 *   11.1 M grants no token while P, once heard (a CkptDone), is silent for
 *        DSM_PS_SILENT_TICKS: P may be on the other side of a partition, where
 *        it takes over. M's side commits nothing and waits, saying so; P back,
 *        M grants again. (A P that failed: the cluster waits for it to reboot.)
 *        M -> all Beacon(t, FENCED) meanwhile: a node's transaction waiting for
 *        the token fails at once (TXN_EFENCED), and the node says it waits.
 *   11.2 P takes over iff it holds a good checkpoint (image_good_t), has heard
 *        nothing from M for DSM_TAKEOVER_TICKS, and a node on its side asked
 *        for M within that time, after M had been silent two beacon periods (P
 *        sees a TokenReq, CommitReq, RecoverReq, Lost going to M, or a
 *        JoinReq): a P cut off alone takes nothing over. P
 *        becomes manager at the next epoch e and resets (10.2) to its
 *        checkpoint at t' = e << DSM_EPOCH_SHIFT:
 *        P -> all Reset(t', image time, npages, old M, TAKEOVER)  as 10.2, and
 *        again every DSM_BEACON_TICKS with REMINDER, for nodes cut off then.
 *        TAKEOVER > PS_SILENT + LEASE + 2 BEACON: M's side stopped granting,
 *        and its last grant expired, before P's epoch begins. P counts the
 *        one and M the others, each on its own clock: with P's fast and M's
 *        slow by DSM_CLOCK_DRIFT_PPM, 500 x 0.96 > 460 x 1.04 (4.1 % at most).
 *   11.3 A node that gets a TAKEOVER Reset of a later epoch than its gtime's
 *        follows its sender as manager and applies the reset (10.3); a manager
 *        steps down. A REMINDER at or below a node's time is ignored, so a
 *        node that joined or recovered after it does not count it again.
 *   Why it is safe: one epoch, one manager (only P takes over, once per
 *   epoch, or again with nothing decided in it: 11.5); a node follows a
 *   manager only into a later epoch, and applies a commit only from its
 *   manager, so it never mixes two epochs' commits; the reset drops every
 *   page, and every copy of an older epoch is below t', so rule F refuses it
 *   (and 1.2 answers it with PageStale). Work M's side decided in the old
 *   epoch (before 11.1 fenced it, or while it had P) is gone with the reset,
 *   as every node says. An old manager that rebooted (a heap of its own,
 *   7.3) follows P at P's next reminder.
 *   11.4 P fails while it is the manager, and reboots: nodes ask it for the
 *        token as their manager. P, joining, takes a JoinAck only a beacon
 *        period after boot, if nobody asked it as their manager meanwhile,
 *        and from a manager of an epoch as new as every frame it saw and as its
 *        disk's image (an old manager of the other side may still run; an
 *        image of a later epoch is one P took over into, followed or not). Asked, it takes over again
 *        from the image on its disk, at the epoch after the newest time the
 *        frames showed (every asker's time is among them) and its image's
 *        (11.5): 11.2 from there.
 *        Asked only after it joined such an older manager, by a node of a
 *        later epoch than its own, it does the same; and so does a joining P
 *        that a manager of an older epoch than it saw answers (that later
 *        epoch was P's: its nodes need it, and the old manager waits for it).
 *   11.5 P, manager of its new epoch, grants the token first to its own
 *        checkpoint, begun at once, and to nobody, nor answers a TimeReq
 *        (3.9: a read at the epoch's time would see a reset that may yet be
 *        undone, seed 1796242340725825), until a checkpoint of the
 *        epoch is on its disk (tried again every DSM_BEACON_TICKS). Why: P
 *        remembers nothing across a failure but its disk, and the frames it
 *        sees when it reboots may all be older than its epoch (those who
 *        followed it may be silent). With nothing decided in an epoch that is
 *        not on the disk, P's next takeover into that epoch again is the same
 *        reset (the same time, the same image: its disk's, which a checkpoint
 *        of the epoch would have moved into it), so no node can hold two
 *        epochs' heaps under one time; with a checkpoint of it on the disk,
 *        P's next takeover is into a later epoch.
 *
 * 12. The code area: pages that hold code (dsm/page.c)
 *   12.1 A range of pages is written once, by ordinary commits (the master
 *        installs the kernel's code and read-only data there, its descriptor
 *        last), and is read-only from then on. A node that knows the range is
 *        complete seals it (dsm_code_seal, with the install's time: the
 *        descriptor's commit): the installer after its install, any other
 *        node once the install is published (12.4), to read the descriptor
 *        (12.2), keeping the seal if the descriptor is there and unsealing
 *        (its replicas of the range go, as a commit may have written them
 *        meanwhile) to look again if not.
 *   12.2 On a sealed page a node takes a fault in or out of a transaction:
 *        present, it is mapped read-only and not put in the access set (so it
 *        never aborts a transaction and never costs a fault per transaction);
 *        absent, it is fetched as in 1 (from its owner, a replica holder's
 *        PageServer, or the PageServer for an orphan) and the fault waits; a
 *        write is refused (DSM_EROFS). A fetch of a code page that times out
 *        does not fail a transaction: it is asked again (the loss is said to
 *        the manager as in 10.1, and counted).
 *   12.3 A sealed page is never dropped: not by a commit (none writes it), a
 *        recovery, a reset or an eviction, and a copy arriving for it (a
 *        late answer, a PageServer's reload) does not replace the one held.
 *        A reset takes only its ownership: an owner's sealed page stays as a
 *        replica of its old version, and the PageServer serves the reset's
 *        (8.7), as every page after a reset.
 *        Why it is safe: nobody writes the range after it was sealed, so every
 *        copy of it is the same; checkpoints hold it like any page, so a heap
 *        restored from one brings its code back: the manager resets to no
 *        checkpoint older than its own seal (10.2), which came after the
 *        install's commits, so the reset writes the range with the contents
 *        every sealed copy has. (An older image lacks the area, and a sealed
 *        node that faults in a page it lacks would get the image's.) Were an
 *        owner to keep serving its old version after the reset, rule F would
 *        let a node whose known is the reset's time take it as the page at
 *        its time, a version the reset wrote over: right contents, wrong
 *        version, and a PageServer would checkpoint that version.
 *   12.4 The install is published once no takeover can lose it
 *        (dsm_code_saved, on the installer): the newest good checkpoint it
 *        knows of is at or after the install (image_good_t >= code_t), or it
 *        is the manager and granted no checkpoint yet in its heap's life, so
 *        that every image is after the install, or the manager said so in a
 *        Beacon of a time at or after the install (M -> all Beacon(t,
 *        NO_CKPT), every beacon while it holds). Until then it asks for a
 *        checkpoint (8.1) now and then. Publishing is an ordinary transaction
 *        that writes the install's time into a heap word outside the area
 *        (the environment's: kernel/kcode.c, tests/sim/work_code.c); any other
 *        node reads that word in a transaction and seals only once it holds
 *        a time, with that time as the install's.
 *        Why: a takeover (11.2) resets to P's newest good checkpoint, which is
 *        never older than one P announced, so from the publication on every
 *        reset's image holds the area as every sealed copy has it. The word
 *        may itself be lost with a takeover, if it was committed after the
 *        image: the installer, seeing it gone, writes it again.
 *   12.5 Before its publication a takeover may lose the install, as it loses
 *        any of M's side's work (11.3): a node that applies a Reset whose
 *        image is older than its seal's install time unseals first (its
 *        copies of the range go with every other page) and counts it
 *        (code_lost). Only the installer can hold such a seal (12.4); it may
 *        install again. (10.2 never resets to such an image: the loss is the
 *        takeover's alone.)
 *   12.6 Segments: the area holds several ranges, each written once by its
 *        own install and sealed on its own, with its own install time (the
 *        kernel's first; programs after it, in pages no other range shares:
 *        kernel/prog.c). 12.1-12.5 hold for each segment alone: a node seals
 *        a segment once its install is published (a program's: in its
 *        record), 12.5 unseals only the segments a reset's image is older
 *        than, and 10.2 compares the image with the newest install a
 *        manager sealed. At most DSM_CODE_SEGS segments per node; pages of
 *        the area no segment covers are ordinary pages (an install writes
 *        them).
 */
#ifndef PLURIX_DSM_PROTO_H
#define PLURIX_DSM_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dsm/frame.h"
#include "dsm/param.h"

enum dsm_msg_type {
	DSM_MSG_PAGE_REQ = FRAME_TYPE_DSM_FIRST, /* 1.1 */
	DSM_MSG_PAGE_DATA,     /* 1.2 */
	DSM_MSG_PAGE_STALE,    /* 1.2 */
	DSM_MSG_JOIN_REQ,      /* 2.1 */
	DSM_MSG_JOIN_ACK,      /* 2.2 */
	DSM_MSG_TOKEN_REQ,     /* 3.1 */
	DSM_MSG_TOKEN_GRANT,   /* 3.2 */
	DSM_MSG_COMMIT_REQ,    /* 3.3 */
	DSM_MSG_TOKEN_KEEP,    /* 3.3 */
	DSM_MSG_COMMIT,        /* 3.4 */
	DSM_MSG_COMMIT_ACK,    /* 3.6 */
	DSM_MSG_COMMIT_REJECT, /* 3.6 */
	DSM_MSG_TOKEN_RETURN,  /* 3.7 */
	DSM_MSG_RECOVER_REQ,   /* 4.1 */
	DSM_MSG_RECOVER_ACK,   /* 4.2 */
	DSM_MSG_BEACON,        /* 4 */
	DSM_MSG_RESTORE_REQ,   /* 7.1 */
	DSM_MSG_RESTORE_ACK,   /* 7.2 */
	DSM_MSG_CKPT_ASK,      /* 8.1 */
	DSM_MSG_CKPT_DONE,     /* 8.6 */
	DSM_MSG_LOST,          /* 10.1 */
	DSM_MSG_RESET,         /* 10.2 */
	DSM_MSG_TIME_REQ,      /* 3.9 */
	DSM_MSG_TIME_ACK,      /* 3.9 */
	DSM_MSG_LAST
};

#define DSM_RECOVER_ZERO_MAP 1u  /* RecoverReq/Ack flag: the written-pages map (7.5) */
#define DSM_BEACON_FENCED 1u    /* Beacon flag: the manager grants nothing (11.1) */
#define DSM_BEACON_NO_CKPT 2u   /* Beacon flag: no checkpoint of the heap was begun (12.4) */
#define DSM_BEACON_LAST_OK 4u   /* P's Beacon flag: its last checkpoint (v) was written (8.6) */
#define DSM_RESET_TAKEOVER 1u   /* Reset flag: its sender took over as manager (11.2) */
#define DSM_RESET_REMINDER 2u   /* Reset flag: a repeat; a node past its time ignores it */
#define DSM_NOBODY 0xFFFFu  /* last_writer of a page the reset gave to the image */

/* One decoded message: the fields each type uses (see the table above). */
struct dsm_msg {
	uint8_t type;
	uint16_t src;
	uint64_t gtime;     /* header: the sender's gtime */
	uint32_t page;
	uint32_t id;        /* req, nonce, txn */
	uint32_t grant;
	uint64_t v;         /* version, or a grant's time */
	uint64_t t;         /* a time: commit, server gtime, manager time */
	uint64_t w;         /* JoinAck: the image time of the last reset (v: its time) */
	uint16_t node;      /* committer, manager */
	uint8_t flags;      /* TokenReq: 1 starving, 2 checkpoint; RestoreAck: 1 has an
			     * image; CkptDone: 0 ok, else enum dsm_ps_status;
			     * RecoverReq/Ack: DSM_RECOVER_ZERO_MAP (7.5);
			     * Reset: DSM_RESET_TAKEOVER, DSM_RESET_REMINDER (11) */
	uint8_t part, nparts;
	uint16_t span;      /* RecoverAck: pages each part covers */
	uint16_t count;     /* pages in a commit part; data bytes; bitmap bytes */
	const uint8_t *body; /* page numbers (u32 each), page bytes, or bitmap */
};

/* Fixed payload sizes before the variable body. */
enum {
	DSM_PL_PAGE_REQ = 8,
	DSM_PL_PAGE_DATA = 28,
	DSM_PL_PAGE_STALE = 24,
	DSM_PL_JOIN_REQ = 4,
	DSM_PL_JOIN_ACK = 34,
	DSM_PL_TOKEN_REQ = 5,
	DSM_PL_TOKEN_GRANT = 16,
	DSM_PL_COMMIT_REQ = 8,
	DSM_PL_TOKEN_KEEP = 4,
	DSM_PL_COMMIT = 18,
	DSM_PL_COMMIT_ACK = 12,
	DSM_PL_COMMIT_REJECT = 4,
	DSM_PL_TOKEN_RETURN = 8,
	DSM_PL_RECOVER_REQ = 13,
	DSM_PL_RECOVER_ACK = 35,
	DSM_PL_BEACON = 17,
	DSM_PL_RESTORE_REQ = 4,
	DSM_PL_RESTORE_ACK = 17,
	DSM_PL_CKPT_ASK = 4,
	DSM_PL_CKPT_DONE = 17,
	DSM_PL_LOST = 4,
	DSM_PL_RESET = 23,
	DSM_PL_TIME_REQ = 4,
	DSM_PL_TIME_ACK = 12
};

_Static_assert(DSM_PL_PAGE_DATA + DSM_DATA_CHUNK <= FRAME_PAYLOAD_MAX, "PageData fits");
_Static_assert(DSM_PL_COMMIT + 4 * DSM_PART_PAGES_MAX <= FRAME_PAYLOAD_MAX, "Commit fits");
_Static_assert(DSM_PL_RECOVER_ACK + DSM_RECOVER_SPAN / 8 <= FRAME_PAYLOAD_MAX, "a part fits");

/* Encode m's payload into buf (FRAME_PAYLOAD_MAX bytes); returns its length,
 * 0 if m does not fit. */
size_t dsm_msg_encode(const struct dsm_msg *m, uint8_t *buf);

/* Decode a payload of len bytes of frame type `type`; checks every length and
 * count first. Returns false (and changes nothing but *m) if malformed. */
bool dsm_msg_decode(uint8_t type, const uint8_t *p, size_t len, struct dsm_msg *m);

#endif
