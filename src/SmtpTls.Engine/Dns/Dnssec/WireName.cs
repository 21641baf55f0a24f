using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace SmtpTls.Dns.Dnssec;

/// <summary>
/// A domain name as DNS carries it: a list of labels of raw bytes (original case kept). Comparisons
/// and hashing ignore ASCII case (RFC 4343); <see cref="CompareCanonical"/> is the canonical order of
/// RFC 4034 section 6.1 that NSEC proofs rely on.
/// </summary>
/// <remarks>
/// Labels are bytes, not strings, because names from the network may hold dots, spaces or control
/// bytes inside a label; only <see cref="ToString"/> turns them into escaped text.
/// </remarks>
internal sealed class WireName : IEquatable<WireName>
{
    /// <summary>The longest name on the wire (RFC 1035 section 3.1).</summary>
    public const int MaxWireLength = 255;

    /// <summary>The root name.</summary>
    public static readonly WireName Root = new(Array.Empty<byte[]>());

    private readonly byte[][] _labels;

    /// <summary>A name of <paramref name="labels"/>, leftmost first, original case kept.</summary>
    public WireName(IReadOnlyList<byte[]> labels)
    {
        _labels = labels.ToArray();
        var length = 1 + _labels.Sum(l => l.Length + 1);
        if (length > MaxWireLength || _labels.Any(l => l.Length == 0 || l.Length > 63))
        {
            throw new FormatException("A DNS name is at most 255 bytes with labels of 1..63 bytes.");
        }
    }

    /// <summary>The labels, leftmost first.</summary>
    public IReadOnlyList<byte[]> Labels => _labels;

    /// <summary>How many labels (the root has 0).</summary>
    public int LabelCount => _labels.Length;

    /// <summary>Whether the leftmost label is <c>*</c> (a wildcard owner, RFC 4592).</summary>
    public bool IsWildcard => _labels.Length > 0 && _labels[0].Length == 1 && _labels[0][0] == (byte)'*';

    /// <summary>Reads presentation form (<c>mx.example.net</c>, trailing dot optional, <c>\.</c> and <c>\DDD</c> escapes).</summary>
    /// <exception cref="FormatException">The text is not a valid name.</exception>
    public static WireName Parse(string text)
    {
        if (text is null)
        {
            throw new FormatException("A DNS name is required.");
        }

        text = text.Trim();
        if (text.Length == 0 || text == ".")
        {
            return Root;
        }

        var labels = new List<byte[]>();
        var current = new List<byte>();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\' && i + 1 < text.Length)
            {
                if (i + 3 < text.Length && char.IsDigit(text[i + 1]) && char.IsDigit(text[i + 2]) && char.IsDigit(text[i + 3]))
                {
                    var value = int.Parse(text.Substring(i + 1, 3), CultureInfo.InvariantCulture);
                    if (value > 255)
                    {
                        throw new FormatException("A \\DDD escape is at most 255.");
                    }

                    current.Add((byte)value);
                    i += 3;
                }
                else
                {
                    current.Add((byte)text[++i]);
                }
            }
            else if (c == '.')
            {
                if (current.Count == 0)
                {
                    throw new FormatException("Empty label in '" + text + "'.");
                }

                labels.Add(current.ToArray());
                current.Clear();
            }
            else if (c > 0x7E || c < 0x21)
            {
                throw new FormatException("A DNS name in presentation form is ASCII without spaces (use punycode).");
            }
            else
            {
                current.Add((byte)c);
            }
        }

        if (current.Count > 0)
        {
            labels.Add(current.ToArray());
        }

        return new WireName(labels);
    }

    /// <summary>The name one label up; the root's parent is the root.</summary>
    public WireName Parent() => _labels.Length == 0 ? this : new WireName(_labels.Skip(1).ToArray());

    /// <summary>The rightmost <paramref name="count"/> labels.</summary>
    public WireName Suffix(int count) => count >= _labels.Length ? this : new WireName(_labels.Skip(_labels.Length - count).ToArray());

    /// <summary><c>*.</c> followed by this name.</summary>
    public WireName WildcardChild() => new(new[] { new[] { (byte)'*' } }.Concat(_labels).ToArray());

    /// <summary>Whether this name equals <paramref name="ancestor"/> or lies below it.</summary>
    public bool IsAtOrBelow(WireName ancestor)
    {
        if (ancestor._labels.Length > _labels.Length)
        {
            return false;
        }

        var offset = _labels.Length - ancestor._labels.Length;
        for (var i = 0; i < ancestor._labels.Length; i++)
        {
            if (CompareLabel(_labels[offset + i], ancestor._labels[i]) != 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The wire form, uncompressed; lower-cased when <paramref name="canonical"/> (RFC 4034 section 6.2).</summary>
    public byte[] ToWire(bool canonical)
    {
        var bytes = new List<byte>(MaxWireLength);
        foreach (var label in _labels)
        {
            bytes.Add((byte)label.Length);
            foreach (var b in label)
            {
                bytes.Add(canonical ? Lower(b) : b);
            }
        }

        bytes.Add(0);
        return bytes.ToArray();
    }

    /// <summary>The canonical DNS name order (RFC 4034 section 6.1): label by label from the right, bytes lower-cased.</summary>
    public static int CompareCanonical(WireName a, WireName b)
    {
        var i = a._labels.Length - 1;
        var j = b._labels.Length - 1;
        for (; i >= 0 && j >= 0; i--, j--)
        {
            var c = CompareLabel(a._labels[i], b._labels[j]);
            if (c != 0)
            {
                return c;
            }
        }

        return a._labels.Length.CompareTo(b._labels.Length);
    }

    /// <summary>How many rightmost labels the two names share.</summary>
    public static int CommonSuffixLabels(WireName a, WireName b)
    {
        var n = 0;
        for (int i = a._labels.Length - 1, j = b._labels.Length - 1; i >= 0 && j >= 0 && CompareLabel(a._labels[i], b._labels[j]) == 0; i--, j--)
        {
            n++;
        }

        return n;
    }

    /// <summary>Equal names compare without ASCII case (RFC 4343).</summary>
    public bool Equals(WireName? other) => other is not null && other._labels.Length == _labels.Length && CommonSuffixLabels(this, other) == _labels.Length;

    public override bool Equals(object? obj) => Equals(obj as WireName);

    public override int GetHashCode()
    {
        var hash = 17;
        foreach (var label in _labels)
        {
            foreach (var b in label)
            {
                hash = unchecked((hash * 31) + Lower(b));
            }

            hash = unchecked(hash * 31);
        }

        return hash;
    }

    /// <summary>Presentation form with a trailing dot; bytes outside printable ASCII, dots and backslashes escaped.</summary>
    public override string ToString()
    {
        if (_labels.Length == 0)
        {
            return ".";
        }

        var text = new StringBuilder();
        foreach (var label in _labels)
        {
            foreach (var b in label)
            {
                if (b == (byte)'.' || b == (byte)'\\' || b == (byte)'"' || b == (byte)';' || b == (byte)'(' || b == (byte)')')
                {
                    text.Append('\\').Append((char)b);
                }
                else if (b < 0x21 || b > 0x7E)
                {
                    text.Append('\\').Append(b.ToString("D3", CultureInfo.InvariantCulture));
                }
                else
                {
                    text.Append((char)b);
                }
            }

            text.Append('.');
        }

        return text.ToString();
    }

    /// <summary>Presentation form without the trailing dot (the root stays <c>.</c>), as the rest of SmtpTls writes host names.</summary>
    public string ToHostText()
    {
        var text = ToString();
        return text.Length > 1 ? text.Substring(0, text.Length - 1) : text;
    }

    private static byte Lower(byte b) => b >= (byte)'A' && b <= (byte)'Z' ? (byte)(b + 32) : b;

    private static int CompareLabel(byte[] a, byte[] b)
    {
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            var c = Lower(a[i]).CompareTo(Lower(b[i]));
            if (c != 0)
            {
                return c;
            }
        }

        return a.Length.CompareTo(b.Length);
    }
}
