"""GovServe 一体化政务服务平台: one catalog, one window, lawful deadlines, supervision."""
