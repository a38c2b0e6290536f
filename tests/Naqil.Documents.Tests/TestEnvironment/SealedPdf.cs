using System.Globalization;
using System.Security.Cryptography.Pkcs;
using System.Text;
using System.Text.RegularExpressions;

namespace Naqil.Documents.Tests.TestEnvironment;

/// <summary>
/// A signature read back out of a sealed PDF the plain way, independent of the sealer's code:
/// the n-th /ByteRange and its /Contents found with regular expressions over the bytes.
/// </summary>
internal sealed partial record SealedPdf(byte[] Pdf, long[] ByteRange, byte[] Contents)
{
    public static IReadOnlyList<SealedPdf> ReadAll(byte[] pdf)
    {
        var text = Encoding.Latin1.GetString(pdf);
        var signatures = new List<SealedPdf>();
        foreach (Match match in ByteRangePattern().Matches(text))
        {
            var range = match.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(n => long.Parse(n, CultureInfo.InvariantCulture)).ToArray();
            var hex = text[(int)(range[1] + 1)..(int)(range[2] - 1)].TrimEnd('0');
            if (hex.Length % 2 == 1)
            {
                hex += "0";
            }

            // The DER's own length says where it ends; zero padding may have eaten a final 00.
            var bytes = Convert.FromHexString(hex);
            var length = DerLength(bytes);
            var contents = new byte[length];
            bytes.AsSpan(0, Math.Min(bytes.Length, length)).CopyTo(contents);
            signatures.Add(new SealedPdf(pdf, range, contents));
        }

        return signatures;
    }

    /// <summary>The bytes the /ByteRange covers.</summary>
    public byte[] SignedBytes()
    {
        var signed = new byte[ByteRange[1] + ByteRange[3]];
        Pdf.AsSpan((int)ByteRange[0], (int)ByteRange[1]).CopyTo(signed);
        Pdf.AsSpan((int)ByteRange[2], (int)ByteRange[3]).CopyTo(signed.AsSpan((int)ByteRange[1]));
        return signed;
    }

    public SignedCms Cms()
    {
        var cms = new SignedCms(new ContentInfo(SignedBytes()), detached: true);
        cms.Decode(Contents);
        return cms;
    }

    private static int DerLength(byte[] der)
    {
        if (der[1] < 0x80)
        {
            return 2 + der[1];
        }

        var lengthBytes = der[1] & 0x7f;
        var length = 0;
        for (var i = 0; i < lengthBytes; i++)
        {
            length = (length << 8) | der[2 + i];
        }

        return 2 + lengthBytes + length;
    }

    [GeneratedRegex(@"/ByteRange\s*\[([0-9 ]+)\]")]
    private static partial Regex ByteRangePattern();
}
