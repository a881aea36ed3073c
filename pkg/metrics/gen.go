package metrics

// The classifier's weights are made by training it with the project's own
// code; nothing is downloaded. About half an hour on 2 cores.
//go:generate go run ./internal/trainlenet -out lenet_mnist.safetensors
