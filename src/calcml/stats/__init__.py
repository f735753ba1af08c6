"""calcml.stats: distributions whose cdf and moments are integrals of a calcml density, maximum
likelihood, the binormal AUC, and ranking metrics (ROC and precision-recall) for classifiers.

Modules, lowest first; each imports only modules to its left:
distributions, tallies → binary, binormal, mle, _dask_metrics, _device_metrics → ranking →
metrics. `binary` and `metrics` load the Dask and CuPy engines (`_dask_metrics`,
`_device_metrics`, which import only `tallies`) by name when given such arrays, so NumPy input
never imports them.
"""
