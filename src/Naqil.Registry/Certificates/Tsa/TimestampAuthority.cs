using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Naqil.MessageLog;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cmp;
using Org.BouncyCastle.Asn1.Cms;
using Naqil.Keys;
using Org.BouncyCastle.Asn1.Nist;
using Org.BouncyCastle.Cms;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Tsp;
using Org.BouncyCastle.Utilities.Collections;
using Org.BouncyCastle.X509;
using BigInteger = Org.BouncyCastle.Math.BigInteger;
using CmsAttribute = Org.BouncyCastle.Asn1.Cms.Attribute;
using CmsAttributes = Org.BouncyCastle.Asn1.Cms.CmsAttributes;
using BcX509Certificate = Org.BouncyCastle.X509.X509Certificate;

namespace Naqil.Registry.Certificates.Tsa;

/// <summary>
/// The sandbox's RFC 3161 time-stamping authority: answers a DER TimeStampReq with a DER
/// TimeStampResp signed with ECDSA P-256 / SHA-256, with genTime from the injected
/// <see cref="TimeProvider"/> (to the millisecond), the TSA certificate included when the request
/// sets certReq, and serial numbers unique across instances (a random 64-bit prefix per instance
/// and a counter). Accepts SHA-256, SHA-384 and SHA-512 imprints. Malformed or unacceptable
/// requests get a rejection response, never an exception. Thread-safe.
/// </summary>
public sealed class TimestampAuthority
{
    /// <summary>
    /// The TSA policy in every token: a placeholder under a private-enterprise arc (99999 is not
    /// assigned to Naqil). Replace it with an OID the operator owns before production.
    /// </summary>
    public const string PlaceholderPolicyOid = "1.3.6.1.4.1.99999.1";

    private static readonly string[] AcceptedDigests = [TspAlgorithms.Sha256, TspAlgorithms.Sha384, TspAlgorithms.Sha512];

    private readonly EcdsaSignatureFactory _signer;
    private readonly BcX509Certificate _certificate;
    private readonly IStore<BcX509Certificate> _certificates;
    private readonly TimeProvider _timeProvider;
    private readonly string _policyOid;
    private readonly long _serialPrefix;
    private long _serialCounter;

    /// <summary>
    /// Creates the authority. Throws when <paramref name="privateKey"/> is not P-256, does not
    /// match <paramref name="certificate"/>, or the certificate lacks the critical
    /// id-kp-timeStamping extended key usage RFC 3161 §2.3 requires.
    /// </summary>
    public TimestampAuthority(X509Certificate2 certificate, ECDsa privateKey, TimeProvider timeProvider, string policyOid = PlaceholderPolicyOid)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(privateKey);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentException.ThrowIfNullOrEmpty(policyOid);
        if (privateKey.KeySize != 256)
        {
            throw new ArgumentException("The TSA key must be ECDSA P-256.", nameof(privateKey));
        }

        using (var certificateKey = certificate.GetECDsaPublicKey())
        {
            if (certificateKey is null ||
                !certificateKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(privateKey.ExportSubjectPublicKeyInfo()))
            {
                throw new ArgumentException("The TSA certificate is not for this key.", nameof(certificate));
            }
        }

        if (certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault() is not { Critical: true } eku ||
            eku.EnhancedKeyUsages.Count != 1 || eku.EnhancedKeyUsages[0].Value != TimestampTokens.TimeStampingOid)
        {
            throw new ArgumentException(
                "The TSA certificate must have a critical extended key usage of id-kp-timeStamping only (RFC 3161 §2.3).", nameof(certificate));
        }

        // BouncyCastle builds the token; the framework key signs it, where it is (a file's key in
        // memory, or a key in a PKCS#11 token that never leaves it).
        _signer = new EcdsaSignatureFactory(privateKey);
        _certificate = new X509CertificateParser().ReadCertificate(certificate.RawData);
        _certificates = CollectionUtilities.CreateStore(new[] { _certificate });
        _timeProvider = timeProvider;
        _policyOid = policyOid;
        _serialPrefix = BinaryPrimitives.ReadInt64BigEndian(RandomNumberGenerator.GetBytes(8)) & long.MaxValue;
    }

    /// <summary>The policy OID in every token.</summary>
    public string PolicyOid => _policyOid;

    /// <summary>Answers a DER TimeStampReq with a DER TimeStampResp; never throws on bad input.</summary>
    public byte[] Respond(byte[] timeStampRequestDer)
    {
        TimeStampRequest request;
        try
        {
            ArgumentNullException.ThrowIfNull(timeStampRequestDer);
            request = new TimeStampRequest(timeStampRequestDer);
        }
        catch (Exception)
        {
            return Reject(PkiFailureInfo.BadDataFormat, "The request is not a DER TimeStampReq.");
        }

        try
        {
            var genTime = _timeProvider.GetUtcNow().UtcDateTime;

            // The CMS signingTime attribute would otherwise come from the machine clock; pin it to
            // genTime so the token has one notion of time (and verifiers check the certificate at it).
            var signedAttributes = new AttributeTable(new Asn1EncodableVector(
                new CmsAttribute(CmsAttributes.SigningTime, new DerSet(new Time(genTime)))));
            var signerInfo = new SignerInfoGeneratorBuilder()
                .WithSignedAttributeGenerator(new DefaultSignedAttributeTableGenerator(signedAttributes))
                .Build(_signer, _certificate);
            var tokenGenerator = new TimeStampTokenGenerator(signerInfo, Asn1DigestFactory.Get(NistObjectIdentifiers.IdSha256), new DerObjectIdentifier(_policyOid), false)
            {
                Resolution = Resolution.R_MILLISECONDS,
            };

            // Added always; the generator leaves them out when the request does not set certReq.
            tokenGenerator.SetCertificates(_certificates);
            var responseGenerator = new TimeStampResponseGenerator(tokenGenerator, AcceptedDigests, [_policyOid]);

            // Generate turns a request that fails validation (unknown digest, wrong digest length,
            // another policy, critical extensions) into a rejection response itself.
            return responseGenerator.Generate(request, NextSerialNumber(), genTime).GetEncoded();
        }
        catch (Exception)
        {
            return Reject(PkiFailureInfo.SystemFailure, "The time-stamp could not be produced.");
        }
    }

    private BigInteger NextSerialNumber()
    {
        Span<byte> serial = stackalloc byte[16];
        BinaryPrimitives.WriteInt64BigEndian(serial, _serialPrefix);
        BinaryPrimitives.WriteInt64BigEndian(serial[8..], Interlocked.Increment(ref _serialCounter));
        return new BigInteger(1, serial.ToArray());
    }

    private static byte[] Reject(int failInfo, string statusText)
    {
        // The generator's token generator is unused for a failure response.
        var generator = new TimeStampResponseGenerator(null, AcceptedDigests);
        return generator.GenerateFailResponse(PkiStatus.Rejection, failInfo, statusText).GetEncoded();
    }
}
