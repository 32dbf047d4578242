/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MAIA_LINK_H
#define MAIA_LINK_H

#include <linux/netdevice.h>

#include "maia_core.h"

struct maia_link;

/**
 * struct maia_port - one optical port, the private part of its netdev
 * @netdev: the network device
 * @link: the link device the port belongs to
 * @index: port number on the device
 */
struct maia_port {
	struct net_device *netdev;
	struct maia_link *link;
	unsigned int index;
};

/**
 * struct maia_link - the link personality of one Maia function
 * @adev: the auxiliary device bound
 * @core: the maia_core behind it
 * @num_ports: ports registered
 * @ports: the ports; written at probe and remove only (no lock needed)
 */
struct maia_link {
	struct auxiliary_device *adev;
	struct maia_core *core;
	unsigned int num_ports;
	struct maia_port *ports[MAIA_MAX_PORTS];
};

#endif /* MAIA_LINK_H */
