/* SPDX-License-Identifier: GPL-2.0 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM maia

#if !defined(_MAIA_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _MAIA_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(maia_job_submit,
	TP_PROTO(u32 queue, u64 seqno, u64 ib_va, u32 ib_count),
	TP_ARGS(queue, seqno, ib_va, ib_count),
	TP_STRUCT__entry(
		__field(u32, queue)
		__field(u64, seqno)
		__field(u64, ib_va)
		__field(u32, ib_count)
	),
	TP_fast_assign(
		__entry->queue = queue;
		__entry->seqno = seqno;
		__entry->ib_va = ib_va;
		__entry->ib_count = ib_count;
	),
	TP_printk("queue=%u seqno=%llu ib=0x%llx count=%u", __entry->queue,
		  __entry->seqno, __entry->ib_va, __entry->ib_count)
);

TRACE_EVENT(maia_job_run,
	TP_PROTO(unsigned int ring, u64 seq, u32 asid),
	TP_ARGS(ring, seq, asid),
	TP_STRUCT__entry(
		__field(unsigned int, ring)
		__field(u64, seq)
		__field(u32, asid)
	),
	TP_fast_assign(
		__entry->ring = ring;
		__entry->seq = seq;
		__entry->asid = asid;
	),
	TP_printk("ring=%u seq=%llu asid=%u", __entry->ring, __entry->seq,
		  __entry->asid)
);

TRACE_EVENT(maia_job_done,
	TP_PROTO(unsigned int ring, u64 seq, int error),
	TP_ARGS(ring, seq, error),
	TP_STRUCT__entry(
		__field(unsigned int, ring)
		__field(u64, seq)
		__field(int, error)
	),
	TP_fast_assign(
		__entry->ring = ring;
		__entry->seq = seq;
		__entry->error = error;
	),
	TP_printk("ring=%u seq=%llu error=%d", __entry->ring, __entry->seq,
		  __entry->error)
);

TRACE_EVENT(maia_job_fault,
	TP_PROTO(unsigned int ring, u64 seq, u32 status, u64 addr),
	TP_ARGS(ring, seq, status, addr),
	TP_STRUCT__entry(
		__field(unsigned int, ring)
		__field(u64, seq)
		__field(u32, status)
		__field(u64, addr)
	),
	TP_fast_assign(
		__entry->ring = ring;
		__entry->seq = seq;
		__entry->status = status;
		__entry->addr = addr;
	),
	TP_printk("ring=%u seq=%llu status=%u addr=0x%llx", __entry->ring,
		  __entry->seq, __entry->status, __entry->addr)
);

#endif /* _MAIA_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE maia_trace
#include <trace/define_trace.h>
