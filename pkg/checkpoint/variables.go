package checkpoint

import (
	"fmt"
	"strings"

	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// Variables returns the values of ctx's variables under the top-level scope
// ("" for all: a resumable training state; "generator" for a file that only
// samples), keyed by their scope and name.
func Variables(ctx *context.Context, scope string) (map[string]*tensors.Tensor, error) {
	named := map[string]*tensors.Tensor{}
	for v := range ctx.IterVariables() {
		if !InScope(v.Scope(), scope) {
			continue
		}
		value, err := v.Value()
		if err != nil {
			return nil, fmt.Errorf("checkpoint: variable %s: %w", v.ScopeAndName(), err)
		}
		named[v.ScopeAndName()] = value
	}
	return named, nil
}

// InScope reports whether a variable scope ("/generator/conv1") lies under
// the top-level scope name ("generator"); every scope lies under "".
func InScope(varScope, scope string) bool {
	prefix := context.ScopeSeparator + scope
	return scope == "" || varScope == prefix || strings.HasPrefix(varScope, prefix+context.ScopeSeparator)
}

// SetVariables assigns the named tensors, read from the checkpoint at path,
// to ctx's variables, creating those that do not exist yet (an optimiser's
// state before its first step) as untrainable. It fails, naming the file,
// when one of ctx's variables is missing from named or has another shape:
// the file was written for another model.
func SetVariables(ctx *context.Context, named map[string]*tensors.Tensor, path string) error {
	for v := range ctx.IterVariables() {
		value, ok := named[v.ScopeAndName()]
		if !ok {
			return fmt.Errorf("checkpoint %s has no variable %s %s: it was written for another model", path, v.ScopeAndName(), v.Shape())
		}
		if !value.Shape().Equal(v.Shape()) {
			return fmt.Errorf("checkpoint %s: variable %s is %s, the model expects %s", path, v.ScopeAndName(), value.Shape(), v.Shape())
		}
	}
	for name, value := range named {
		varScope, varName := context.SplitScope(name)
		if v := ctx.GetVariableByScopeAndName(varScope, varName); v != nil {
			if err := v.SetValue(value); err != nil {
				return fmt.Errorf("checkpoint %s: variable %s: %w", path, name, err)
			}
			continue
		}
		ctx.InAbsPath(varScope).VariableWithValue(varName, value).SetTrainable(false)
	}
	return nil
}
