// SPDX-License-Identifier: GPL-2.0
/*
 * maia_link: one network device per optical port of a Maia accelerator.
 *
 * Binds the "link" auxiliary device created by maia_core.
 */

#include <linux/auxiliary_bus.h>
#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/netdevice.h>

#include "maia_link.h"

static int maia_port_open(struct net_device *netdev)
{
	/* The optical link state machine is not driven yet: no carrier. */
	netif_carrier_off(netdev);
	netif_tx_start_all_queues(netdev);
	return 0;
}

static int maia_port_stop(struct net_device *netdev)
{
	netif_tx_stop_all_queues(netdev);
	return 0;
}

static netdev_tx_t maia_port_start_xmit(struct sk_buff *skb,
					struct net_device *netdev)
{
	/* Without carrier the stack does not transmit; count what slips by. */
	dev_core_stats_tx_dropped_inc(netdev);
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

static const struct net_device_ops maia_port_netdev_ops = {
	.ndo_open = maia_port_open,
	.ndo_stop = maia_port_stop,
	.ndo_start_xmit = maia_port_start_xmit,
	.ndo_validate_addr = eth_validate_addr,
	.ndo_set_mac_address = eth_mac_addr,
};

static void maia_port_set_mac(struct maia_port *port, u64 serial)
{
	u8 addr[ETH_ALEN];

	/* Locally administered, stable across reboots: serial and port. */
	addr[0] = 0x02;
	addr[1] = 0x4d;
	addr[2] = serial >> 16;
	addr[3] = serial >> 8;
	addr[4] = serial;
	addr[5] = port->index;
	eth_hw_addr_set(port->netdev, addr);
}

static int maia_port_create(struct maia_link *link, unsigned int index)
{
	const struct maia_core_info *info = maia_core_info(link->core);
	struct net_device *netdev;
	struct maia_port *port;
	int ret;

	netdev = alloc_etherdev_mqs(sizeof(*port), MAIA_PORT_QPAIRS,
				    MAIA_PORT_QPAIRS);
	if (!netdev)
		return -ENOMEM;
	SET_NETDEV_DEV(netdev, &link->adev->dev);
	port = netdev_priv(netdev);
	port->netdev = netdev;
	port->link = link;
	port->index = index;
	netdev->netdev_ops = &maia_port_netdev_ops;
	netdev->dev_port = index;
	maia_port_set_mac(port, info->serial);
	netif_carrier_off(netdev);

	ret = register_netdev(netdev);
	if (ret) {
		free_netdev(netdev);
		return ret;
	}
	link->ports[index] = port;
	return 0;
}

static void maia_port_destroy(struct maia_port *port)
{
	unregister_netdev(port->netdev);
	free_netdev(port->netdev);
}

static void maia_link_destroy_ports(struct maia_link *link)
{
	unsigned int i;

	for (i = 0; i < link->num_ports; i++) {
		if (link->ports[i])
			maia_port_destroy(link->ports[i]);
		link->ports[i] = NULL;
	}
}

static int maia_link_probe(struct auxiliary_device *adev,
			   const struct auxiliary_device_id *id)
{
	struct maia_link *link;
	unsigned int i;
	int ret;

	link = devm_kzalloc(&adev->dev, sizeof(*link), GFP_KERNEL);
	if (!link)
		return -ENOMEM;
	link->adev = adev;
	link->core = maia_core_from_adev(adev);
	link->num_ports = min_t(u32, maia_core_info(link->core)->num_ports,
				MAIA_MAX_PORTS);
	auxiliary_set_drvdata(adev, link);

	for (i = 0; i < link->num_ports; i++) {
		ret = maia_port_create(link, i);
		if (ret) {
			maia_link_destroy_ports(link);
			return dev_err_probe(&adev->dev, ret,
					     "cannot register port %u\n", i);
		}
	}
	return 0;
}

static void maia_link_remove(struct auxiliary_device *adev)
{
	maia_link_destroy_ports(auxiliary_get_drvdata(adev));
}

static const struct auxiliary_device_id maia_link_ids[] = {
	{ .name = "maia_core." MAIA_AUX_LINK },
	{ }
};
MODULE_DEVICE_TABLE(auxiliary, maia_link_ids);

static struct auxiliary_driver maia_link_driver = {
	.name = "link",
	.probe = maia_link_probe,
	.remove = maia_link_remove,
	.id_table = maia_link_ids,
};
module_auxiliary_driver(maia_link_driver);

MODULE_IMPORT_NS(MAIA_CORE);
MODULE_DESCRIPTION("Maia optical link network driver");
MODULE_LICENSE("GPL");
