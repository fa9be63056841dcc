/** The kinds of registered model. Part of the public API (`ModelVersion.type`, `?type=`). */
export const MODEL_TYPES = ['onnx', 'mlflow', 'custom'] as const;

/** `onnx`: an ONNX file (with its external data); `mlflow`: an MLflow folder; `custom`: files for a scoring script. */
export type ModelType = (typeof MODEL_TYPES)[number];
