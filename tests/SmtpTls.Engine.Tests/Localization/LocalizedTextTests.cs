using System.Globalization;
using System.Linq;
using SmtpTls.Localization;
using Xunit;

namespace SmtpTls.Tests.Localization;

[Trait("Against", "Unit")]
public class LocalizedTextTests
{
    [Theory]
    [InlineData("de-DE", "de")]
    [InlineData("de-AT", "de")]
    [InlineData("en-GB", "en")]
    [InlineData("fr-FR", "en")]
    public void EffectiveLanguage_FallsBackThroughParentsToEnglish(string culture, string expected)
    {
        Assert.Equal(expected, LocalizedText.EffectiveLanguage(CultureInfo.GetCultureInfo(culture)));
    }

    [Fact]
    public void Get_ReturnsGermanForGermanCulture()
    {
        var english = LocalizedText.Get("Error.EmptyInput", CultureInfo.GetCultureInfo("en-US"));
        var german = LocalizedText.Get("Error.EmptyInput", CultureInfo.GetCultureInfo("de-DE"));
        Assert.NotEqual(english, german);
        Assert.Contains("Eingabe", german);
    }

    [Fact]
    public void EveryEnglishKeyHasAGermanTranslation_AndNoGermanKeyIsOrphaned()
    {
        var english = LocalizedText.Keys("en").ToHashSet();
        var german = LocalizedText.Keys("de").ToHashSet();
        Assert.Empty(english.Except(german));
        Assert.Empty(german.Except(english));
    }

    [Fact]
    public void Get_UnknownKey_Throws()
    {
        Assert.Throws<System.Collections.Generic.KeyNotFoundException>(() => LocalizedText.Get("No.Such.Key"));
    }
}
