namespace SmtpTls.Dns.Dnssec;

/// <summary>Base 32 with the extended hex alphabet, no padding (RFC 4648 section 7), as NSEC3 owner names use it.</summary>
internal static class Base32Hex
{
    private const string Alphabet = "0123456789abcdefghijklmnopqrstuv";

    /// <summary>Encodes <paramref name="data"/> in lower case, without padding.</summary>
    public static string Encode(byte[] data)
    {
        var text = new System.Text.StringBuilder((data.Length * 8 + 4) / 5);
        int buffer = 0, bits = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                text.Append(Alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }

        if (bits > 0)
        {
            text.Append(Alphabet[(buffer << (5 - bits)) & 31]);
        }

        return text.ToString();
    }

    /// <summary>Decodes a label (case-insensitive); null when a character is outside the alphabet.</summary>
    public static byte[]? Decode(byte[] label)
    {
        var output = new byte[label.Length * 5 / 8];
        int buffer = 0, bits = 0, n = 0;
        foreach (var raw in label)
        {
            var c = raw >= (byte)'A' && raw <= (byte)'Z' ? raw + 32 : raw;
            var value = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'v' ? c - 'a' + 10 : -1;
            if (value < 0)
            {
                return null;
            }

            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                if (n < output.Length)
                {
                    output[n++] = (byte)(buffer >> (bits - 8));
                }

                bits -= 8;
            }
        }

        return output;
    }
}
