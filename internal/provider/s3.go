package provider

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	smithymiddleware "github.com/aws/smithy-go/middleware"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/providerdata"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/validate"
)

// EnvS3UsePathStyle turns on path-style addressing (for S3-compatible stores), as in the AWS
// provider; the SDK itself has no variable for it.
const EnvS3UsePathStyle = "AWS_S3_USE_PATH_STYLE"

type s3Model struct {
	Region       types.String `tfsdk:"region"`
	Endpoint     types.String `tfsdk:"endpoint"`
	Profile      types.String `tfsdk:"profile"`
	UsePathStyle types.Bool   `tfsdk:"use_path_style"`
	Bypass       types.Bool   `tfsdk:"bypass_governance_retention"`
}

// EnvS3Bypass sets the s3 block's bypass_governance_retention.
const EnvS3Bypass = "DATAPLATFORMS_S3_BYPASS_GOVERNANCE_RETENTION"

func s3Block() schema.SingleNestedBlock {
	return schema.SingleNestedBlock{
		MarkdownDescription: "Access to the customer's S3 buckets for storage cleanup. Credentials come from the AWS SDK's " +
			"standard chain (environment, shared config and profiles, SSO, web identity, container and instance " +
			"roles); nothing is read until a resource needs S3.",
		Attributes: map[string]schema.Attribute{
			"region": schema.StringAttribute{
				MarkdownDescription: "AWS region. Default from the SDK chain (`AWS_REGION`, the profile).",
				Optional:            true,
			},
			"endpoint": schema.StringAttribute{
				MarkdownDescription: "S3 endpoint for an S3-compatible store. Default from `AWS_ENDPOINT_URL_S3`, else AWS.",
				Optional:            true,
				Validators:          []validator.String{validate.String("an http(s) URL", validate.HTTPURL)},
			},
			"profile": schema.StringAttribute{
				MarkdownDescription: "Shared config profile. Default from `AWS_PROFILE`.",
				Optional:            true,
			},
			"use_path_style": schema.BoolAttribute{
				MarkdownDescription: "Address buckets in the path (`https://host/bucket/key`), as most S3-compatible stores need. " +
					"Default from `" + EnvS3UsePathStyle + "`, else false.",
				Optional: true,
			},
			"bypass_governance_retention": schema.BoolAttribute{
				MarkdownDescription: "Default of every resource's `bypass_governance_retention`: delete object versions under governance-mode " +
					"object lock (buckets with object lock only; compliance mode and legal holds are never bypassed). Default from `" + EnvS3Bypass +
					"`, else false.",
				Optional: true,
			},
		},
	}
}

// envBool reads a boolean variable; unset is def.
func envBool(name string, def bool, diags *diag.Diagnostics) bool {
	env := os.Getenv(name)
	if env == "" {
		return def
	}
	b, err := strconv.ParseBool(env)
	if err != nil {
		diags.AddError("Invalid "+name, fmt.Sprintf("It must be true or false, not %q.", env))
	}
	return b
}

// newStorage checks the s3 block now and loads the AWS configuration on first use.
func newStorage(version string, m *s3Model, maxAttempts int, diags *diag.Diagnostics) *providerdata.Storage {
	var region, endpoint, profile string
	pathStyle := envBool(EnvS3UsePathStyle, false, diags)
	bypass := envBool(EnvS3Bypass, false, diags)
	if m != nil {
		region, endpoint, profile = m.Region.ValueString(), m.Endpoint.ValueString(), m.Profile.ValueString()
		if !m.Bypass.IsNull() {
			bypass = m.Bypass.ValueBool()
		}
		if m.Region.IsUnknown() || m.Endpoint.IsUnknown() || m.Profile.IsUnknown() || m.UsePathStyle.IsUnknown() || m.Bypass.IsUnknown() {
			diags.AddAttributeError(path.Root("s3"), "Provider setting not known until apply",
				"The s3 block depends on a value only known after apply; the provider must be configured during plan.")
		}
		if !m.UsePathStyle.IsNull() {
			pathStyle = m.UsePathStyle.ValueBool()
		}
	}
	return providerdata.NewStorage(func(ctx context.Context) (storage.API, error) {
		opts := []func(*config.LoadOptions) error{
			config.WithRetryer(func() aws.Retryer { return storage.NewRetryer(maxAttempts) }),
			config.WithAPIOptions([]func(*smithymiddleware.Stack) error{
				awsmiddleware.AddUserAgentKeyValue("terraform-provider-dataplatforms", version),
			}),
		}
		if region != "" {
			opts = append(opts, config.WithRegion(region))
		}
		if profile != "" {
			opts = append(opts, config.WithSharedConfigProfile(profile))
		}
		cfg, err := config.LoadDefaultConfig(ctx, opts...)
		if err != nil {
			return nil, err
		}
		if cfg.Region == "" {
			cfg.Region = "us-east-1"
		}
		return s3.NewFromConfig(cfg, func(o *s3.Options) {
			if endpoint != "" {
				o.BaseEndpoint = aws.String(endpoint)
			}
			if endpoint != "" || os.Getenv("AWS_ENDPOINT_URL_S3") != "" {
				// An S3-compatible store has no S3 Express CreateSession: a directory bucket's
				// requests are signed as any other's.
				o.DisableS3ExpressSessionAuth = aws.Bool(true)
			}
			o.UsePathStyle = pathStyle
		}), nil
	}).WithBypass(bypass)
}
