// SPDX-License-Identifier: GPL-2.0
/*
 * maia_core hwmon: the device's temperature and power telemetry, for
 * `sensors` and maia-smi.
 */

#include <linux/hwmon.h>

#include "maia_core_priv.h"

static umode_t maia_hwmon_is_visible(const void *data,
				     enum hwmon_sensor_types type, u32 attr,
				     int channel)
{
	if (type == hwmon_temp && attr == hwmon_temp_input)
		return 0444;
	if (type == hwmon_power && attr == hwmon_power_input)
		return 0444;
	return 0;
}

static int maia_hwmon_read(struct device *dev, enum hwmon_sensor_types type,
			   u32 attr, int channel, long *val)
{
	struct maia_core *core = dev_get_drvdata(dev);

	switch (type) {
	case hwmon_temp:
		*val = (s32)maia_core_rd(core, MAIA_REG_TEMP_MC);
		return 0;
	case hwmon_power:
		/* hwmon reports microwatts */
		*val = (long)maia_core_rd(core, MAIA_REG_POWER_MW) * 1000;
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

static const struct hwmon_ops maia_hwmon_ops = {
	.is_visible = maia_hwmon_is_visible,
	.read = maia_hwmon_read,
};

static const struct hwmon_channel_info * const maia_hwmon_info[] = {
	HWMON_CHANNEL_INFO(temp, HWMON_T_INPUT),
	HWMON_CHANNEL_INFO(power, HWMON_P_INPUT),
	NULL
};

static const struct hwmon_chip_info maia_hwmon_chip = {
	.ops = &maia_hwmon_ops,
	.info = maia_hwmon_info,
};

int maia_core_hwmon_init(struct maia_core *core)
{
	struct device *hwmon;

	hwmon = devm_hwmon_device_register_with_info(&core->pdev->dev, "maia",
						     core, &maia_hwmon_chip,
						     NULL);
	return PTR_ERR_OR_ZERO(hwmon);
}
