using System;
using System.Diagnostics;
using System.IO;
using System.Security.Cryptography.X509Certificates;

namespace SmtpTls.Tests.Policy;

/// <summary>
/// TLSA association data computed by the openssl command-line tool, an implementation independent
/// of .NET and BouncyCastle, to cross-check the engine's values.
/// </summary>
internal static class OpenSslOracle
{
    /// <summary>The hex digest (<paramref name="digest"/>: sha256 or sha512) of the certificate (selector 0) or its SubjectPublicKeyInfo (selector 1).</summary>
    public static string Digest(X509Certificate2 certificate, int selector, string digest)
    {
        var pem = Path.GetTempFileName();
        try
        {
            File.WriteAllText(pem, certificate.ExportCertificatePem());
            var extract = selector == 0
                ? $"openssl x509 -in '{pem}' -outform DER"
                : $"openssl x509 -in '{pem}' -pubkey -noout | openssl pkey -pubin -outform DER";
            var output = Run($"{extract} | openssl dgst -{digest} -r");
            return output.Split(' ')[0].Trim();
        }
        finally
        {
            File.Delete(pem);
        }
    }

    private static string Run(string pipeline)
    {
        var info = new ProcessStartInfo("/bin/bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-o");
        info.ArgumentList.Add("pipefail");
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(pipeline);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("bash did not start");
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{pipeline}' failed ({process.ExitCode}): {error}");
        }

        return output;
    }
}
