package younite

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/teardown"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/transport"
)

// holdsSameValues reports whether a listed DR's json agrees with the record on every field
// the DR holds. A data-store DR holds the whole record; a federated one only its uniqueness
// values (the docs), so a DR agreeing on all it holds is the one the domain's uniqueness rules
// let exist for this record. A DR holding nothing tells nothing.
func holdsSameValues(listed string, record map[string]any) bool {
	var have map[string]any
	if json.Unmarshal([]byte(listed), &have) != nil || len(have) == 0 {
		return false
	}
	for k, v := range have {
		if want, ok := record[k]; !ok || !reflect.DeepEqual(v, want) {
			return false
		}
	}
	return true
}

// findCreatedDR looks for the DR a create whose answer was lost (lostErr) may have made, with
// the documented GET /drs?filters=<domain>,version:<n>: a DR of the domain that holds this
// record's values. found says exactly one does, and d is it.
func findCreatedDR(ctx context.Context, c *Client, zone, domain string, version int64, record json.RawMessage, lostErr error) (d DR, found bool, diags diag.Diagnostics) {
	object := fmt.Sprintf("a YOUnite DR in domain %q", domain)
	candidates, err := holders(transport.WithPersistence(ctx), c, zone, domain, version, record)
	return teardown.Adopt(ctx, teardown.Lost{
		Platform: "YOUnite", Verb: "creating", Done: "created", Object: object, Kind: "DR", Err: lostErr,
		Retry:   "Run terraform apply again: YOUnite answers 409 if the DR exists, and the error names it.",
		Several: "Import the one that is this record (terraform import <this resource's address> <import id>).",
		Nothing: "No DR of the domain holds this record's values, so nothing was created.",
	}, candidates, err, func(d DR) string {
		return fmt.Sprintf("DR %s holds this record's values, which the domain's uniqueness rules give to one DR only", d.UUID)
	}, func(drs []DR) string { return describeDRs(zone, drs) })
}

// holders are the domain's DRs that hold the record's values.
func holders(ctx context.Context, c *Client, zone, domain string, version int64, record json.RawMessage) ([]DR, error) {
	var fields map[string]any
	_ = json.Unmarshal(record, &fields)
	drs, err := c.ListDRs(ctx, zone, domain, version)
	if err != nil {
		return nil, err
	}
	var out []DR
	for _, x := range drs {
		if x.UUID != "" && holdsSameValues(x.JSON, fields) {
			out = append(out, x)
		}
	}
	return out, nil
}

func describeDRs(zone string, drs []DR) string {
	lines := make([]string, len(drs))
	for i, x := range drs {
		lines[i] = fmt.Sprintf("  DR %s (json %s): import id %s/%s", x.UUID, x.JSON, zone, x.UUID)
	}
	return strings.Join(lines, "\n")
}

// conflictHint names the DRs that hold the record's values after YOUnite refused a create
// with 409 (a uniqueness rule), with their import ids; empty when none is found.
func conflictHint(ctx context.Context, c *Client, zone, domain string, version int64, record json.RawMessage) string {
	drs, err := holders(ctx, c, zone, domain, version, record)
	if err != nil || len(drs) == 0 {
		return ""
	}
	return fmt.Sprintf("A DR of the domain already holds this record's values:\n%s\nTo manage it with this resource, import it "+
		"(terraform import <this resource's address> <import id>); an earlier apply may have created it and lost the answer.", describeDRs(zone, drs))
}
