using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using SmtpTls.Certificates;
using Xunit;

namespace SmtpTls.Tests.Certificates;

[Trait("Against", "Unit")]
public sealed class TrustAnchorsTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "smtptls-anchors-" + Guid.NewGuid().ToString("N"));

    public TrustAnchorsTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void None_IsEmpty()
    {
        Assert.True(TrustAnchors.None.IsEmpty);
        Assert.Equal(0, TrustAnchors.None.Count);
        Assert.Null(TrustAnchors.None.Source);
    }

    [Fact]
    public void Load_SinglePemFile()
    {
        var root = TestPki.Root();
        var path = Write("root.pem", CertificatePem.Write(new[] { root }));

        var anchors = TrustAnchors.Load(path);

        Assert.Equal(1, anchors.Count);
        Assert.Equal(root.Thumbprint, anchors.Certificates[0].Thumbprint);
        Assert.Equal(path, anchors.Source);
        Assert.True(anchors.Contains(root));
        Assert.False(anchors.Contains(TestPki.Root()));
    }

    [Fact]
    public void Load_SeveralCertificatesInOneFile_WithCrlfTextAndKeysBetween_KeepsOrderAndDropsDuplicates()
    {
        var first = TestPki.Root("CN=First Root");
        var second = TestPki.Root("CN=Second Root");
        var text = "subject=CN = First Root\r\n" + CertificatePem.Write(new[] { first }).Replace("\n", "\r\n")
            + "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA\n-----END PRIVATE KEY-----\n"
            + "  " + CertificatePem.Write(new[] { second, first });
        var path = Write("bundle.crt", text);

        var anchors = TrustAnchors.Load(path);

        Assert.Equal(new[] { first.Thumbprint, second.Thumbprint }, anchors.Certificates.Select(c => c.Thumbprint).ToArray());
    }

    [Fact]
    public void Load_Utf16PemWithByteOrderMark()
    {
        var root = TestPki.Root();
        var path = Path.Combine(_folder, "unicode.pem");
        File.WriteAllText(path, CertificatePem.Write(new[] { root }), Encoding.Unicode);

        Assert.Equal(root.Thumbprint, TrustAnchors.Load(path).Certificates.Single().Thumbprint);
    }

    [Fact]
    public void Load_DerFile()
    {
        var root = TestPki.Root();
        var path = Path.Combine(_folder, "root.cer");
        File.WriteAllBytes(path, root.RawData);

        Assert.Equal(root.Thumbprint, TrustAnchors.Load(path).Certificates.Single().Thumbprint);
    }

    [Fact]
    public void Load_Folder_ReadsPemCrtAndCer_AndIgnoresOtherFiles()
    {
        var a = TestPki.Root("CN=A");
        var b = TestPki.Root("CN=B");
        var c = TestPki.Root("CN=C");
        Write("a.pem", CertificatePem.Write(new[] { a }));
        Write("b.CRT", CertificatePem.Write(new[] { b }));
        File.WriteAllBytes(Path.Combine(_folder, "c.cer"), c.RawData);
        Write("readme.txt", "not a certificate");
        Write("key.key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");

        var anchors = TrustAnchors.Load(_folder);

        Assert.Equal(3, anchors.Count);
        Assert.Equal(new[] { "CN=A", "CN=B", "CN=C" }, anchors.Certificates.Select(x => x.Subject).ToArray());
    }

    [Fact]
    public void Load_MissingFile_ThrowsFileNotFound_NamingThePath()
    {
        var path = Path.Combine(_folder, "nope.pem");

        var ex = Assert.Throws<FileNotFoundException>(() => TrustAnchors.Load(path));

        Assert.Contains(path, ex.Message);
        Assert.Equal(path, ex.FileName);
    }

    [Fact]
    public void Load_MissingFolder_ThrowsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => TrustAnchors.Load(Path.Combine(_folder, "no", "such", "dir")));
    }

    [Theory]
    [InlineData("plain.pem", "hello, I am not a certificate")]
    [InlineData("empty.pem", "")]
    [InlineData("key.pem", "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n")]
    public void Load_FileWithoutCertificate_ThrowsInvalidData_NamingTheFile(string name, string content)
    {
        var path = Write(name, content);

        var ex = Assert.Throws<InvalidDataException>(() => TrustAnchors.Load(path));

        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void Load_BrokenBase64_ThrowsInvalidData()
    {
        var path = Write("broken.pem", "-----BEGIN CERTIFICATE-----\nMIIB!!!notbase64===\n-----END CERTIFICATE-----\n");

        Assert.Throws<InvalidDataException>(() => TrustAnchors.Load(path));
    }

    [Fact]
    public void Load_Base64ThatIsNoCertificate_ThrowsInvalidData()
    {
        var path = Write("garbage.pem", "-----BEGIN CERTIFICATE-----\n" + Convert.ToBase64String(Encoding.ASCII.GetBytes("0 definitely not DER")) + "\n-----END CERTIFICATE-----\n");

        var ex = Assert.Throws<InvalidDataException>(() => TrustAnchors.Load(path));
        Assert.IsAssignableFrom<CryptographicException>(ex.InnerException);
    }

    [Fact]
    public void Load_BinaryGarbage_ThrowsInvalidData()
    {
        var path = Path.Combine(_folder, "garbage.cer");
        File.WriteAllBytes(path, new byte[] { 0x30, 0x03, 0x01, 0x02, 0x03, 0xFF });

        Assert.Throws<InvalidDataException>(() => TrustAnchors.Load(path));
    }

    [Fact]
    public void Load_FolderWithoutCertificateFiles_ThrowsInvalidData()
    {
        Write("notes.txt", "nothing here");

        var ex = Assert.Throws<InvalidDataException>(() => TrustAnchors.Load(_folder));

        Assert.Contains(_folder, ex.Message);
    }

    [Fact]
    public void Load_FolderWithABadFile_ThrowsNamingThatFile()
    {
        Write("good.pem", CertificatePem.Write(new[] { TestPki.Root() }));
        var bad = Write("bad.pem", "no certificate");

        var ex = Assert.Throws<InvalidDataException>(() => TrustAnchors.Load(_folder));

        Assert.Contains(bad, ex.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Load_NoPath_ThrowsArgumentException(string? path)
    {
        Assert.Throws<ArgumentException>(() => TrustAnchors.Load(path!));
    }

    [Fact]
    public void Load_MessagesAreLocalized()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => TrustAnchors.Load(Path.Combine(_folder, "fehlt.pem"), System.Globalization.CultureInfo.GetCultureInfo("de-DE")));

        Assert.Contains("existiert nicht", ex.Message);
    }

    [Fact]
    public void FromCertificates_WrapsAndDeduplicates()
    {
        var root = TestPki.Root();

        var anchors = TrustAnchors.FromCertificates(new[] { root, root });

        Assert.Equal(1, anchors.Count);
        Assert.Same(TrustAnchors.None, TrustAnchors.FromCertificates(Array.Empty<System.Security.Cryptography.X509Certificates.X509Certificate2>()));
        Assert.Throws<ArgumentNullException>(() => TrustAnchors.FromCertificates(null));
    }

    [Fact]
    public void Pem_WriteThenRead_RoundTrips()
    {
        var (root, intermediate, leaf) = TestPki.Chain();

        var pem = CertificatePem.Write(new[] { leaf, intermediate, root });
        var back = CertificatePem.ReadAll(pem);

        Assert.Equal(new[] { leaf.Thumbprint, intermediate.Thumbprint, root.Thumbprint }, back.Select(c => c.Thumbprint).ToArray());
        Assert.All(pem.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal)), l => Assert.True(l.Length <= 64));
        Assert.Equal(3, pem.Split("-----BEGIN CERTIFICATE-----").Length - 1);
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, content);
        return path;
    }
}
