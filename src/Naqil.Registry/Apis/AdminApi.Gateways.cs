using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Naqil.Registry.Certificates;
using Naqil.Registry.Members;
using Naqil.Registry.Storage;
using Naqil.Trust;

namespace Naqil.Registry.Apis;

/// <summary>Gateways and federation partners.</summary>
internal static partial class AdminApi
{
    private static async Task<Ok<GatewaysResponse>> ListGateways(AdminServices services, CancellationToken cancellationToken)
    {
        var snapshot = await services.Store.ReadSnapshotAsync(cancellationToken);
        return TypedResults.Ok(new GatewaysResponse(snapshot.Serial, [.. snapshot.Gateways.Select(ToResponse)]));
    }

    private static async Task<Results<Created<GatewayResponse>, Ok<GatewayResponse>, RegistryProblem>> PutGateway(
        string instance, [FromRoute(Name = "class")] string memberClass, string member, string code, HttpRequest request, AdminServices services)
    {
        if (!RouteIdentifiers.TryGateway(services.Instance, instance, memberClass, member, code, out var memberId, out var error))
        {
            return RegistryProblem.BadIdentifier(error);
        }

        var (body, problem) = await JsonBody.ReadAsync(request, AdminJsonContext.Default.GatewayRequest);
        if (problem is not null)
        {
            return problem;
        }

        if (!Uri.TryCreate(body!.Address, UriKind.Absolute, out var address) || address.Scheme != Uri.UriSchemeHttps
            || address.UserInfo.Length != 0 || address.Query.Length != 0 || address.Fragment.Length != 0)
        {
            return RegistryProblem.BadRequest($"'address' '{body.Address}' is not an absolute https URL without credentials, query or fragment, such as https://127.0.0.1:5001");
        }

        var now = services.Time.GetUtcNow();
        if (!CertificatePem.TryParseP256(body.TlsCertificate, "tlsCertificate", now, out var tls, out error))
        {
            return RegistryProblem.BadCertificate(error);
        }

        using (tls)
        {
            if (!CertificatePem.TryParseP256(body.SigningCertificate, "signingCertificate", now, out var signing, out error))
            {
                return RegistryProblem.BadCertificate(error);
            }

            using (signing)
            {
                var record = new GatewayRecord(memberId, code, body.Address, tls.RawData, signing.RawData);
                var result = await services.Store.PutGatewayAsync(record, request.HttpContext.RequestAborted);
                services.Changed(result, "gateway", $"{memberId}/{code}");
                return result.Outcome switch
                {
                    StoreOutcome.ParentNotFound => MissingMember(memberId),
                    StoreOutcome.Created => TypedResults.Created($"/admin/v1/gateways/{memberId}/{code}", ToResponse(record)),
                    _ => TypedResults.Ok(ToResponse(record)),
                };
            }
        }
    }

    private static async Task<Results<NoContent, RegistryProblem>> DeleteGateway(
        string instance, [FromRoute(Name = "class")] string memberClass, string member, string code, AdminServices services, CancellationToken cancellationToken)
    {
        if (!RouteIdentifiers.TryGateway(services.Instance, instance, memberClass, member, code, out var memberId, out var error))
        {
            return RegistryProblem.BadIdentifier(error);
        }

        var result = await services.Store.DeleteGatewayAsync(memberId, code, cancellationToken);
        services.Changed(result, "gateway", $"{memberId}/{code}");
        return result.Outcome == StoreOutcome.NotFound
            ? RegistryProblem.NotFound($"the gateway {memberId}/{code} is not registered; GET /admin/v1/gateways lists those that are")
            : TypedResults.NoContent();
    }

    private static async Task<Ok<PartnersResponse>> ListPartners(AdminServices services, CancellationToken cancellationToken)
    {
        var snapshot = await services.Store.ReadSnapshotAsync(cancellationToken);
        return TypedResults.Ok(new PartnersResponse(snapshot.Serial, [.. snapshot.Partners.Select(ToResponse)]));
    }

    private static async Task<Results<Created<PartnerResponse>, Ok<PartnerResponse>, RegistryProblem>> PutPartner(
        string instance, HttpRequest request, AdminServices services)
    {
        if (!RouteIdentifiers.TryPartner(services.Instance, instance, out var error))
        {
            return RegistryProblem.BadIdentifier(error);
        }

        var (body, problem) = await JsonBody.ReadAsync(request, AdminJsonContext.Default.PartnerRequest);
        if (problem is not null)
        {
            return problem;
        }

        if (!Uri.TryCreate(body!.ConfigUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            // http is allowed: the configuration is signed, so its transport needs no integrity of its own.
            return RegistryProblem.BadRequest($"'configUrl' '{body.ConfigUrl}' is not an absolute http(s) URL such as https://registry.iq.example/trust/v1/config");
        }

        if (!CertificatePem.TryParseP256(body.Anchor, "anchor", services.Time.GetUtcNow(), out var anchor, out error))
        {
            return RegistryProblem.BadCertificate(error);
        }

        using (anchor)
        {
            var record = new PartnerRecord(instance, anchor.RawData, body.ConfigUrl);
            var result = await services.Store.PutPartnerAsync(record, request.HttpContext.RequestAborted);
            services.Changed(result, "partner", instance);
            return result.Outcome == StoreOutcome.Created
                ? TypedResults.Created($"/admin/v1/partners/{instance}", ToResponse(record))
                : TypedResults.Ok(ToResponse(record));
        }
    }

    private static async Task<Results<NoContent, RegistryProblem>> DeletePartner(string instance, AdminServices services, CancellationToken cancellationToken)
    {
        if (!RouteIdentifiers.TryPartner(services.Instance, instance, out var error))
        {
            return RegistryProblem.BadIdentifier(error);
        }

        var result = await services.Store.DeletePartnerAsync(instance, cancellationToken);
        services.Changed(result, "partner", instance);
        return result.Outcome == StoreOutcome.NotFound
            ? RegistryProblem.NotFound($"{instance} is not a federation partner; GET /admin/v1/partners lists those that are")
            : TypedResults.NoContent();
    }

    private static GatewayResponse ToResponse(GatewayRecord gateway)
    {
        using var signing = X509CertificateLoader.LoadCertificate(gateway.SigningCertificate);
        return new GatewayResponse(
            gateway.Member.ToString(), gateway.Code, gateway.Address,
            Pem("CERTIFICATE", gateway.TlsCertificate), signing.ExportCertificatePem(), SignedTrustConfiguration.Thumbprint(signing));
    }

    private static PartnerResponse ToResponse(PartnerRecord partner)
    {
        using var anchor = X509CertificateLoader.LoadCertificate(partner.Anchor);
        return new PartnerResponse(partner.Instance, anchor.ExportCertificatePem(), partner.ConfigUrl, SignedTrustConfiguration.Thumbprint(anchor));
    }

    private static string Pem(string label, byte[] der) => new(PemEncoding.Write(label, der));
}
