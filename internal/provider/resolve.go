package provider

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// resolved is a platform block after configuration, environment and defaults.
type resolved struct {
	values map[string]string
	// present: the block is in the configuration, or one of its variables is set.
	present  bool
	explicit bool // the block is in the configuration
	diags    diag.Diagnostics
}

// resolve reads a platform block: each value from configuration, else its environment
// variable, else its default; then checks every value and the required ones. Problems carry the
// attribute path or the variable name, never a secret value.
func (s platformSpec) resolve(_ context.Context, block types.Object) resolved {
	r := resolved{values: map[string]string{}, explicit: !block.IsNull() && !block.IsUnknown()}
	r.present = r.explicit
	attrs := map[string]types.String{}
	if r.explicit {
		for name, v := range block.Attributes() {
			if sv, ok := v.(types.String); ok {
				attrs[name] = sv
			}
		}
	}
	source := map[string]string{}
	for _, f := range s.fields {
		p := path.Root(string(s.platform)).AtName(f.attr)
		switch v := attrs[f.attr]; {
		case v.IsUnknown():
			r.diags.AddAttributeError(p, "Provider setting not known until apply",
				fmt.Sprintf("%s depends on a value that is only known after apply. The provider must be configured during plan: "+
					"use a literal, a variable, or %s.", p, s.env(f)))
			continue
		case !v.IsNull():
			r.values[f.attr], source[f.attr] = v.ValueString(), p.String()
		default:
			if env, ok := os.LookupEnv(s.env(f)); ok && env != "" {
				r.values[f.attr], source[f.attr] = env, "environment variable "+s.env(f)
				r.present = true
			}
		}
	}
	for _, f := range s.fields {
		if r.values[f.attr] == "" && f.def != nil {
			if d := f.def(r.values); d != "" {
				r.values[f.attr], source[f.attr] = d, "the default"
			}
		}
	}
	for _, f := range s.fields {
		p := path.Root(string(s.platform)).AtName(f.attr)
		v, ok := r.values[f.attr]
		if !ok || v == "" {
			if f.required && (r.present || !s.anonymous) {
				r.diags.AddAttributeError(p, fmt.Sprintf("Missing %s", p),
					fmt.Sprintf("The %s block needs %s: set it in the provider configuration or in %s.", s.platform, f.attr, s.env(f)))
			}
			continue
		}
		if err := f.check(v); err != nil {
			r.diags.AddAttributeError(p, fmt.Sprintf("Invalid %s", p), fmt.Sprintf("The value from %s is not valid: %s", source[f.attr], err))
		}
	}
	return r
}

// reasons flattens diagnostics into one sentence for a platform reported as not configured.
func reasons(diags diag.Diagnostics) string {
	parts := make([]string, 0, len(diags))
	for _, d := range diags {
		parts = append(parts, d.Detail())
	}
	return "The environment configures it only in part: " + strings.Join(parts, " ")
}
