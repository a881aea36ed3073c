package purego

import (
	"reflect"
	"unsafe"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// The one place that reaches into simplego's internals, pinned to GoMLX
// v0.26.0: simplego offers no way to add an executor, so replaceExecutor
// swaps an entry of its table of node executors (a linkname to an
// unexported variable), nodeData/setNodeData/nodeShape read and write a
// node's unexported fields through reflect, and simplegoNewNode (a linkname
// to simplego's node constructor) makes nodes of an op simplego lacks. internalsPresent checks that
// those fields still exist; when they do not (a GoMLX upgrade changed
// them), nothing is replaced and every op runs simplego's own executor,
// which TestInternalsPresent reports.

type nodeExecutor = func(backend *simplego.Backend, node *simplego.Node, inputs []*simplego.Buffer, inputsOwned []bool) (*simplego.Buffer, error)

//go:linkname simplegoExecutors github.com/gomlx/gomlx/backends/simplego.nodeExecutors
var simplegoExecutors [backends.OpTypeLast]nodeExecutor

//go:linkname simplegoNewNode github.com/gomlx/gomlx/backends/simplego.(*Builder).newNode
func simplegoNewNode(b *simplego.Builder, opType backends.OpType, shape shapes.Shape, inputs ...*simplego.Node) *simplego.Node

// internalsPresent reports whether simplego's Node still has the fields read here.
var internalsPresent = func() bool {
	node := reflect.TypeFor[simplego.Node]()
	data, ok := node.FieldByName("data")
	if !ok || data.Type.Kind() != reflect.Interface {
		return false
	}
	shape, ok := node.FieldByName("shape")
	return ok && shape.Type == reflect.TypeFor[shapes.Shape]()
}()

// replaceExecutor makes fn simplego's executor for op and returns the one it
// replaces (nil, and nothing replaced, when the internals changed).
func replaceExecutor(op backends.OpType, fn nodeExecutor) nodeExecutor {
	if !internalsPresent {
		return nil
	}
	previous := simplegoExecutors[op]
	simplegoExecutors[op] = fn
	return previous
}

// field returns the (possibly unexported) field name of the struct v.
func field(v reflect.Value, name string) reflect.Value {
	f := v.FieldByName(name)
	return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
}

// nodeData is the node's op-specific data (an interface value).
func nodeData(node *simplego.Node) reflect.Value {
	return field(reflect.ValueOf(node).Elem(), "data")
}

// setNodeData replaces the node's op-specific data.
func setNodeData(node *simplego.Node, data any) {
	nodeData(node).Set(reflect.ValueOf(data))
}

// nodeShape is the node's output shape.
func nodeShape(node *simplego.Node) shapes.Shape {
	return field(reflect.ValueOf(node).Elem(), "shape").Interface().(shapes.Shape)
}

// float32Data returns the data of float32 buffers, for the executors.
func float32Data(backend *simplego.Backend, buffers ...*simplego.Buffer) ([][]float32, error) {
	data := make([][]float32, len(buffers))
	for i, buffer := range buffers {
		flat, err := backend.BufferData(buffer)
		if err != nil {
			return nil, err
		}
		data[i] = flat.([]float32)
	}
	return data, nil
}

// newFloat32Output returns a new float32 buffer of the given shape and its data.
func newFloat32Output(backend *simplego.Backend, shape shapes.Shape) (*simplego.Buffer, []float32, error) {
	out := backend.NewBuffer(shape)
	flat, err := backend.BufferData(out)
	if err != nil {
		return nil, nil, err
	}
	return out, flat.([]float32), nil
}
