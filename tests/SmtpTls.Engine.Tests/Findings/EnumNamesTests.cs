using System;
using System.Linq;
using Xunit;

namespace SmtpTls.Tests.Findings;

/// <summary>The names results carry for enum values are exactly what Enum.ToString gives, for every value and beyond.</summary>
[Trait("Against", "Unit")]
public class EnumNamesTests
{
    [Fact]
    public void EveryDefinedValue_HasItsEnumName()
    {
        foreach (var value in Enum.GetValues(typeof(SmtpTlsStatus)).Cast<SmtpTlsStatus>())
        {
            Assert.Equal(value.ToString(), EnumNames.Of(value));
        }

        foreach (var value in Enum.GetValues(typeof(SmtpTlsFindingSeverity)).Cast<SmtpTlsFindingSeverity>())
        {
            Assert.Equal(value.ToString(), EnumNames.Of(value));
        }

        foreach (var value in Enum.GetValues(typeof(SmtpTlsFindingId)).Cast<SmtpTlsFindingId>())
        {
            Assert.Equal(value.ToString(), EnumNames.Of(value));
        }
    }

    [Fact]
    public void UndefinedValues_ReadAsEnumToStringDoes()
    {
        Assert.Equal("99", EnumNames.Of((SmtpTlsStatus)99));
        Assert.Equal("-1", EnumNames.Of((SmtpTlsFindingId)(-1)));
        Assert.Equal("5000", EnumNames.Of((SmtpTlsFindingId)5000));
    }
}
