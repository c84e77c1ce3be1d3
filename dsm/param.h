/*
 * param.h: every limit of the protocol core, one comment each (xv6 style).
 * Sizes bound every table, queue and retry; nothing in dsm/ or txn/ grows.
 * Times are in environment ticks (the kernel's PIT tick, the simulator's step).
 */
#ifndef PLURIX_DSM_PARAM_H
#define PLURIX_DSM_PARAM_H

#define DSM_PAGE_SIZE        4096u  /* heap page, the unit of ownership */
#define DSM_PAGES_MAX        65536u /* heap pages (256 MB) */
#define DSM_CODE_SEGS        32u    /* sealed segments of the code area a node holds (proto.h 12.6) */
#define DSM_NODES_MAX        16u    /* node ids 0..DSM_NODES_MAX-1 */
#define DSM_WSET_MAX         32u    /* pages one transaction may write (shadows) */
#define DSM_RSET_MAX         128u   /* pages one transaction may touch in all */
#define DSM_SELFQ_MAX        40u    /* frames a node sends to itself per event: the
					* manager's own CommitReq may be DSM_WSET_MAX parts */
#define DSM_COMMIT_WINDOW    8u     /* commits buffered ahead of the applied time */
#define DSM_PART_PAGES_MAX   256u   /* page numbers in one Commit/CommitReq frame */
#define DSM_DATA_CHUNK       1408u  /* page bytes in one PageData frame (3 frames) */
#define DSM_DATA_PARTS       3u     /* PageData frames per page */
#define DSM_RECOVER_SPAN     8192u  /* pages one RecoverAck part covers (1 KB bitmap) */
#define DSM_RECOVER_PARTS    (DSM_PAGES_MAX / DSM_RECOVER_SPAN) /* parts at most */

#define DSM_FETCH_RETRY_TICKS   6u   /* first PageReq retry; doubles each time */
#define DSM_FETCH_BACKOFF_MAX   48u  /* cap of the doubling */
#define DSM_FETCH_TIMEOUT_TICKS 250u /* no answer for this long: page unavailable */
#define DSM_HOLD_FETCH_TICKS    40u  /* a token holder waiting this long on a fetch yields */
#define DSM_BEHIND_GRACE_TICKS  12u  /* behind for this long (a gap): recover */
#define DSM_RECOVER_RETRY_TICKS 10u  /* RecoverReq / JoinReq retry */
#define DSM_TOKEN_RETRY_TICKS   10u  /* TokenReq / CommitReq retry */
#define DSM_LEASE_TICKS         80u  /* manager revokes a silent token holder */
#define DSM_KEEP_TICKS          16u  /* token holder's keep-alive period */
#define DSM_BEACON_TICKS        40u  /* manager's time beacon when idle */
#define DSM_STARVE_AFTER        3u   /* aborts before a transaction runs under the token */
#define DSM_TOKEN_WAIT_TICKS    3000u /* no grant for this long: token unreachable */
#define DSM_RESTORE_WAIT_TICKS  1000u /* a manager waits this long for a PageServer's image */
#define DSM_PS_REQS             16u   /* recent PageReqs a PageServer remembers */
#define DSM_PS_REPEATS          2u    /* a request seen this often more: its owner is silent */
#define DSM_PS_SNOOPS           2u    /* pages going by a PageServer reassembles at once */
#define DSM_PS_PULLS            16u   /* fetches a PageServer's prefetch keeps in flight */
#define DSM_RESET_SENDS         5u    /* broadcasts of one Reset, a beacon period apart */
#define DSM_PS_SILENT_TICKS     300u  /* no frame from the PageServer this long: no reset, no grant */
#define DSM_TAKEOVER_TICKS      500u  /* the manager silent this long, and asked for: the
					* PageServer takes over (proto.h 11) */
#define DSM_EPOCH_SHIFT         40u   /* global time = epoch << this | commits in the epoch */
#define DSM_CLOCK_DRIFT_PPM     40000u /* every node's clock runs within this many millionths
					* of real time (4 %): the rules that compare ticks of
					* two nodes' clocks (DSM_OUTLASTS) hold only within it */

_Static_assert(DSM_DATA_CHUNK * DSM_DATA_PARTS >= DSM_PAGE_SIZE, "page fits its parts");
_Static_assert(DSM_WSET_MAX <= DSM_RSET_MAX, "write set is part of the access set");
_Static_assert(DSM_SELFQ_MAX >= DSM_WSET_MAX + 4u, "a CommitReq of one page a part fits");
_Static_assert(DSM_NODES_MAX <= 32u, "node masks are 32 bits");
_Static_assert(DSM_PAGES_MAX % DSM_RECOVER_SPAN == 0 && DSM_RECOVER_PARTS <= 32u,
	       "RecoverAck parts tile the heap; part masks are 32 bits");
/* a ticks of one node's clock last longer in real time than b ticks of another
 * node's, each clock within DSM_CLOCK_DRIFT_PPM (one fast, the other slow) */
#define DSM_OUTLASTS(a, b) \
	((a) * (1000000ull - DSM_CLOCK_DRIFT_PPM) > (b) * (1000000ull + DSM_CLOCK_DRIFT_PPM))
/* proto.h 11.2, the one tight rule: 500 x 0.96 > 460 x 1.04 (4.1 % at most) */
_Static_assert(DSM_OUTLASTS(DSM_TAKEOVER_TICKS,
			    DSM_PS_SILENT_TICKS + DSM_LEASE_TICKS + 2u * DSM_BEACON_TICKS),
	       "the manager's side stopped granting, and its last grant expired, before a takeover");
/* and the wide ones: a holder speaks within its lease (3.2); the PageServer within
 * the manager's fence (11.1); the manager within the nodes' memory of its fence
 * (11.1), of its silence (11.2) */
_Static_assert(DSM_OUTLASTS(DSM_LEASE_TICKS, DSM_KEEP_TICKS) &&
	       DSM_OUTLASTS(DSM_LEASE_TICKS, DSM_TOKEN_RETRY_TICKS) &&
	       DSM_OUTLASTS(DSM_PS_SILENT_TICKS, DSM_BEACON_TICKS) &&
	       DSM_OUTLASTS(2u * DSM_BEACON_TICKS, DSM_BEACON_TICKS),
	       "periodic frames come well within the silences that count them missing");
_Static_assert(DSM_RECOVER_SPAN % 8u == 0, "a part's bitmap is whole bytes");

#endif
