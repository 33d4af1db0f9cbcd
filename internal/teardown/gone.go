package teardown

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/diagnostics"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/providerdata"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
)

// GoneLimit is how many objects Gone counts per scope: one listing page is enough to know
// that something is left.
const GoneLimit = 1000

// Gone is Read's part of the contract once the platform object is gone, whoever deleted it: a
// destroy that was killed or failed half way (its progress may never have been recorded), or
// someone in the platform's own UI. Forgetting the resource then would orphan what it owns, so
// Gone counts what is left in each owned scope (one page each, leaving out prefixes another
// object still uses; incomplete multipart uploads count too) and in each local tree. keep says
// the resource must stay in state with platform_deleted = true, for the next terraform destroy
// to finish; the warning names each place and its count. A count that cannot be made keeps the
// resource too: forgetting is the one outcome that cannot be undone.
func Gone(ctx context.Context, data *providerdata.Data, t Teardown, private Private) (keep bool, diags diag.Diagnostics) {
	prog, diags := Load(ctx, private)
	if diags.HasError() {
		return true, diags
	}
	var lines []string
	var failures []error
	engine, d := engineFor(ctx, data, t)
	for s := range t.pending(ctx, prog) {
		err := s.err
		if err == nil && engine == nil {
			err = diagnostics.AsError(d)
		}
		if err == nil && len(s.rest.Prefixes) > 0 {
			var p storage.Preview
			// Everything Count counts is left storage: objects, versions, delete markers and
			// incomplete multipart uploads, whose parts are billed and which a destroy that
			// failed or was killed at AbortMultipartUpload leaves alone.
			if p, err = engine.Count(ctx, s.rest, GoneLimit); err == nil && p.Total() > 0 {
				lines = append(lines, fmt.Sprintf("%s: %s", s.rest, describe(p)))
			} else if err == nil && p.Capped {
				err = errors.New("the listing stopped advancing before it could tell") // nothing counted, and not to the end
			}
		}
		if err != nil {
			failures = append(failures, fmt.Errorf("%s: %w", s.scope, err))
		}
	}
	for l := range t.pendingLocal(prog) {
		left, err := l.Left()
		if err != nil {
			failures = append(failures, fmt.Errorf("%s: %w", l.Path, err))
		} else if left != "" {
			lines = append(lines, fmt.Sprintf("%s: %s", l.Path, left))
		}
	}
	switch {
	case len(failures) > 0:
		diags.Append(diagnostics.Warning(fmt.Sprintf("%s is deleted; whether its storage is left is unknown", capitalise(t.Object)),
			errors.Join(failures...), "The resource stays in state with platform_deleted = true, so that terraform destroy "+
				"finishes the cleanup; fix the cause to let a refresh tell, or forget it and what it owns with terraform state rm."))
		return true, diags
	case len(lines) > 0:
		why := "The platform object is gone: deleted outside Terraform, or by a destroy interrupted before it recorded its progress."
		if prog.PlatformDeleted {
			why = "A destroy deleted the platform object and did not finish its storage cleanup."
		}
		diags.AddWarning(fmt.Sprintf("%s is deleted, but storage it owns is left", capitalise(t.Object)),
			fmt.Sprintf("%s Still left:\n  %s\n"+
				"The resource stays in state with platform_deleted = true: terraform destroy removes what is left; "+
				"terraform apply removes it and creates a new object.", why, strings.Join(SampleLines(lines, ShownLines), "\n  ")))
		tflog.Info(ctx, "platform object gone, owned storage left", map[string]any{"object": t.Object, "left": lines})
		return true, diags
	}
	tflog.Info(ctx, "platform object gone and nothing it owns is left; removing it from state", map[string]any{"object": t.Object})
	return false, diags
}

// ReadGone is Read's use of Gone once the platform object is gone: the resource leaves state
// when nothing it owns is left, and otherwise stays, marked platform_deleted = true.
func ReadGone(ctx context.Context, data *providerdata.Data, t Teardown, req resource.ReadRequest, resp *resource.ReadResponse) {
	keep, diags := Gone(ctx, data, t, req.Private)
	resp.Diagnostics.Append(diags...)
	if !keep {
		resp.State.RemoveResource(ctx)
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("platform_deleted"), true)...)
}

// Found counts the current objects under each of a bucket's prefixes, up to limit each: what
// a platform wrote where the resource expects it, so that a scope that holds nothing is
// reported instead of assumed. A bucket that no longer exists counts as empty. The caller
// decides how much a failure matters (a refresh only warns).
func Found(ctx context.Context, data *providerdata.Data, bucket string, prefixes []string, limit int64) (map[string]int64, error) {
	engine, diags := data.Engine(ctx, storage.Options{})
	if engine == nil {
		return nil, diagnostics.AsError(diags)
	}
	out := make(map[string]int64, len(prefixes))
	for _, p := range prefixes {
		if limit == 1 { // "anything there?": one request in the usual case
			held, err := engine.Holds(ctx, bucket, p)
			if err != nil {
				return nil, err
			}
			if out[p] = 0; held {
				out[p] = 1
			}
			continue
		}
		scope, err := storage.NewScope(bucket, p)
		if err != nil {
			return nil, err
		}
		n, err := engine.Count(ctx, scope, limit)
		if err != nil {
			return nil, fmt.Errorf("listing s3://%s/%s: %w", bucket, p, err)
		}
		out[p] = n.Objects
	}
	return out, nil
}
