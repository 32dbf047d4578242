// SPDX-License-Identifier: GPL-2.0
/*
 * maia_link devlink: one instance per link auxiliary device with device
 * info, one physical devlink port per optical port, and per-port health
 * reporters: "link" (unexpected loss of the optical link; recovery
 * retrains the link) and "tx" (transmit timeouts; recovery restarts the
 * port's queue pairs).
 */

#include <linux/rtnetlink.h>
#include <net/devlink.h>

#include "maia_link.h"

static int maia_devlink_info_get(struct devlink *devlink,
				 struct devlink_info_req *req,
				 struct netlink_ext_ack *extack)
{
	struct maia_link *link = devlink_priv(devlink);
	const struct maia_core_info *info = maia_core_info(link->core);
	struct pci_dev *pdev = maia_core_pdev(link->core);
	char buf[32];
	int ret;

	snprintf(buf, sizeof(buf), "%016llx", info->serial);
	ret = devlink_info_serial_number_put(req, buf);
	if (ret)
		return ret;
	ret = devlink_info_version_fixed_put(req,
					     DEVLINK_INFO_VERSION_GENERIC_BOARD_ID,
					     "maia");
	if (ret)
		return ret;
	snprintf(buf, sizeof(buf), "%u", pdev->revision);
	ret = devlink_info_version_fixed_put(req,
					     DEVLINK_INFO_VERSION_GENERIC_BOARD_REV,
					     buf);
	if (ret)
		return ret;
	snprintf(buf, sizeof(buf), "%lu.%lu",
		 FIELD_GET(MAIA_VERSION_MAJOR, info->hw_version),
		 FIELD_GET(MAIA_VERSION_MINOR, info->hw_version));
	ret = devlink_info_version_running_put(req,
					       DEVLINK_INFO_VERSION_GENERIC_FW,
					       buf);
	if (ret)
		return ret;
	snprintf(buf, sizeof(buf), "%ux%u", info->num_lanes,
		 link->num_ports ? link->ports[0]->lane_rate : 0);
	return devlink_info_version_fixed_put(req, "fw.optics.lanes", buf);
}

static const struct devlink_ops maia_devlink_ops = {
	.info_get = maia_devlink_info_get,
};

struct maia_link *maia_link_devlink_alloc(struct auxiliary_device *adev)
{
	struct devlink *devlink;
	struct maia_link *link;

	devlink = devlink_alloc(&maia_devlink_ops, sizeof(*link), &adev->dev);
	if (!devlink)
		return NULL;
	link = devlink_priv(devlink);
	link->devlink = devlink;
	link->adev = adev;
	link->core = maia_core_from_adev(adev);
	return link;
}

void maia_link_devlink_free(struct maia_link *link)
{
	devlink_free(link->devlink);
}

/* "link" reporter ----------------------------------------------------------- */

static void maia_fmsg_link(struct maia_port *port, struct devlink_fmsg *fmsg)
{
	u32 status = maia_port_rd(port, MAIA_P_STATUS);

	devlink_fmsg_string_pair_put(fmsg, "state",
				     status & MAIA_P_STATUS_UP ? "up" : "down");
	devlink_fmsg_string_pair_put(fmsg, "reason",
				     maia_link_reason_str(FIELD_GET(MAIA_P_STATUS_REASON, status)));
	devlink_fmsg_u32_pair_put(fmsg, "speed", maia_port_rd(port, MAIA_P_SPEED));
	devlink_fmsg_u32_pair_put(fmsg, "lanes_active",
				  maia_port_rd(port, MAIA_P_LANES_ACTIVE));
	devlink_fmsg_u32_pair_put(fmsg, "lanes_local",
				  maia_port_rd(port, MAIA_P_LANES_LOCAL));
	devlink_fmsg_u32_pair_put(fmsg, "lanes_peer",
				  maia_port_rd(port, MAIA_P_LANES_PEER));
	devlink_fmsg_u32_pair_put(fmsg, "link_ups",
				  maia_port_rd(port, MAIA_P_LINK_UPS));
	devlink_fmsg_u32_pair_put(fmsg, "link_downs",
				  maia_port_rd(port, MAIA_P_LINK_DOWNS));
	devlink_fmsg_u32_pair_put(fmsg, "temperature_mc",
				  maia_port_rd(port, MAIA_P_TEMP_MC));
	devlink_fmsg_u64_pair_put(fmsg, "fec_corrected",
				  maia_port_rd64(port, MAIA_P_STAT(MAIA_STAT_FEC_CORRECTED)));
	devlink_fmsg_u64_pair_put(fmsg, "fec_uncorrectable",
				  maia_port_rd64(port, MAIA_P_STAT(MAIA_STAT_FEC_UNCORRECTABLE)));
}

static int maia_link_diagnose(struct devlink_health_reporter *reporter,
			      struct devlink_fmsg *fmsg,
			      struct netlink_ext_ack *extack)
{
	maia_fmsg_link(devlink_health_reporter_priv(reporter), fmsg);
	return 0;
}

static int maia_link_dump(struct devlink_health_reporter *reporter,
			  struct devlink_fmsg *fmsg, void *priv_ctx,
			  struct netlink_ext_ack *extack)
{
	struct maia_port *port = devlink_health_reporter_priv(reporter);

	if (priv_ctx)
		devlink_fmsg_u32_pair_put(fmsg, "status_at_event",
					  *(u32 *)priv_ctx);
	maia_fmsg_link(port, fmsg);
	devlink_fmsg_u32_pair_put(fmsg, "peer_serial_hi",
				  maia_port_rd(port, MAIA_P_PEER_SERIAL_HI));
	devlink_fmsg_u32_pair_put(fmsg, "peer_serial_lo",
				  maia_port_rd(port, MAIA_P_PEER_SERIAL_LO));
	devlink_fmsg_u32_pair_put(fmsg, "peer_port",
				  maia_port_rd(port, MAIA_P_PEER_PORT));
	devlink_fmsg_u32_pair_put(fmsg, "trainings",
				  maia_port_rd(port, MAIA_P_TRAININGS));
	return 0;
}

static void maia_port_retrain_work(struct work_struct *work);

/* Retrain: transmitters off and on; the peer does not even time out. */
static int maia_link_recover(struct devlink_health_reporter *reporter,
			     void *priv_ctx, struct netlink_ext_ack *extack)
{
	struct maia_port *port = devlink_health_reporter_priv(reporter);

	schedule_work(&port->retrain_work);
	return 0;
}

static const struct devlink_health_reporter_ops maia_link_reporter_ops = {
	.name = "link",
	.diagnose = maia_link_diagnose,
	.dump = maia_link_dump,
	.recover = maia_link_recover,
};

/* "tx" reporter ---------------------------------------------------------------- */

static void maia_fmsg_tx(struct maia_port *port, struct devlink_fmsg *fmsg)
{
	struct netdev_queue *txq;
	unsigned int i;
	u32 q;

	devlink_fmsg_u64_pair_put(fmsg, "timeouts",
				  atomic64_read(&port->tx_timeouts));
	devlink_fmsg_arr_pair_nest_start(fmsg, "queues");
	for (i = 0; i < port->up_qps; i++) {
		devlink_fmsg_obj_nest_start(fmsg);
		devlink_fmsg_u32_pair_put(fmsg, "queue", i);
		q = maia_port_rd(port, MAIA_P_QP(i, MAIA_TXR_HEAD));
		devlink_fmsg_u32_pair_put(fmsg, "hw_head", q);
		q = maia_port_rd(port, MAIA_P_QP(i, MAIA_TXR_TAIL));
		devlink_fmsg_u32_pair_put(fmsg, "hw_tail", q);
		q = maia_port_rd(port, MAIA_P_QP(i, MAIA_TXR_CTRL));
		devlink_fmsg_bool_pair_put(fmsg, "enabled", q & MAIA_TXR_CTRL_ENABLE);
		devlink_fmsg_bool_pair_put(fmsg, "error", q & MAIA_TXR_CTRL_ERROR);
		txq = netdev_get_tx_queue(port->netdev, i);
		devlink_fmsg_bool_pair_put(fmsg, "stopped",
					   netif_xmit_stopped(txq));
		devlink_fmsg_obj_nest_end(fmsg);
	}
	devlink_fmsg_arr_pair_nest_end(fmsg);
}

static int maia_tx_diagnose(struct devlink_health_reporter *reporter,
			    struct devlink_fmsg *fmsg,
			    struct netlink_ext_ack *extack)
{
	maia_fmsg_tx(devlink_health_reporter_priv(reporter), fmsg);
	return 0;
}

static int maia_tx_dump(struct devlink_health_reporter *reporter,
			struct devlink_fmsg *fmsg, void *priv_ctx,
			struct netlink_ext_ack *extack)
{
	if (priv_ctx)
		devlink_fmsg_u32_pair_put(fmsg, "timed_out_queue",
					  *(unsigned int *)priv_ctx);
	maia_fmsg_tx(devlink_health_reporter_priv(reporter), fmsg);
	return 0;
}

static int maia_tx_recover(struct devlink_health_reporter *reporter,
			   void *priv_ctx, struct netlink_ext_ack *extack)
{
	struct maia_port *port = devlink_health_reporter_priv(reporter);

	schedule_work(&port->restart_work);
	return 0;
}

static const struct devlink_health_reporter_ops maia_tx_reporter_ops = {
	.name = "tx",
	.diagnose = maia_tx_diagnose,
	.dump = maia_tx_dump,
	.recover = maia_tx_recover,
};

/* Workers that need RTNL (recovery may run under the devlink lock) ---------- */

static void maia_port_retrain_work(struct work_struct *work)
{
	struct maia_port *port = container_of(work, struct maia_port,
					      retrain_work);
	u32 ctrl;

	rtnl_lock();
	if (port->up) {
		ctrl = maia_port_rd(port, MAIA_P_CTRL);
		maia_port_wr(port, MAIA_P_CTRL, ctrl & ~MAIA_P_CTRL_ENABLE);
		maia_port_wr(port, MAIA_P_CTRL, ctrl);
	}
	rtnl_unlock();
}

static void maia_port_restart_work(struct work_struct *work)
{
	struct maia_port *port = container_of(work, struct maia_port,
					      restart_work);

	rtnl_lock();
	if (port->up)
		maia_port_reconfigure(port, NULL);
	rtnl_unlock();
}

void maia_port_report_link_down(struct maia_port *port, u32 status)
{
	u32 reason = FIELD_GET(MAIA_P_STATUS_REASON, status);
	char msg[64];

	if (!port->health_link)
		return;
	snprintf(msg, sizeof(msg), "link down: %s",
		 maia_link_reason_str(reason));
	devlink_health_report(port->health_link, msg, &status);
}

void maia_port_report_tx_timeout(struct maia_port *port, unsigned int queue)
{
	char msg[48];

	snprintf(msg, sizeof(msg), "transmit timeout on queue %u", queue);
	devlink_health_report(port->health_tx, msg, &queue);
}

int maia_port_devlink_init(struct maia_port *port)
{
	struct devlink_port_attrs attrs = {};
	int ret;

	INIT_WORK(&port->retrain_work, maia_port_retrain_work);
	INIT_WORK(&port->restart_work, maia_port_restart_work);
	attrs.flavour = DEVLINK_PORT_FLAVOUR_PHYSICAL;
	attrs.phys.port_number = port->index;
	attrs.lanes = port->num_lanes;
	devlink_port_attrs_set(&port->dl_port, &attrs);
	ret = devlink_port_register(port->link->devlink, &port->dl_port,
				    port->index);
	if (ret)
		return ret;
	SET_NETDEV_DEVLINK_PORT(port->netdev, &port->dl_port);

	port->health_link = devlink_port_health_reporter_create(&port->dl_port,
								&maia_link_reporter_ops,
								10000, port);
	if (IS_ERR(port->health_link)) {
		ret = PTR_ERR(port->health_link);
		goto err_port;
	}
	port->health_tx = devlink_port_health_reporter_create(&port->dl_port,
							      &maia_tx_reporter_ops,
							      1000, port);
	if (IS_ERR(port->health_tx)) {
		ret = PTR_ERR(port->health_tx);
		goto err_link;
	}
	return 0;

err_link:
	devlink_health_reporter_destroy(port->health_link);
err_port:
	port->health_link = NULL;
	port->health_tx = NULL;
	devlink_port_unregister(&port->dl_port);
	return ret;
}

/* Context: after unregister_netdev(), without RTNL. */
void maia_port_devlink_fini(struct maia_port *port)
{
	cancel_work_sync(&port->retrain_work);
	cancel_work_sync(&port->restart_work);
	devlink_health_reporter_destroy(port->health_tx);
	devlink_health_reporter_destroy(port->health_link);
	port->health_link = NULL;
	port->health_tx = NULL;
	devlink_port_unregister(&port->dl_port);
}
