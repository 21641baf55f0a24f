using System;
using System.Management.Automation;
using System.Security;

namespace SmtpTls.Commands;

/// <summary>
/// Lets a SecureString parameter take a plain string too, as token helpers hand out either
/// (<c>Get-AzAccessToken</c> returns a SecureString in newer Az versions, MSAL helpers a string). The
/// string is copied into a read-only SecureString at binding time; the caller's string cannot be wiped.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class SecureStringTransformationAttribute : ArgumentTransformationAttribute
{
    /// <inheritdoc />
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        switch (value)
        {
            case null:
                return null;
            case SecureString secure:
                return secure;
            case string text:
                var result = new SecureString();
                foreach (var c in text)
                {
                    result.AppendChar(c);
                }

                result.MakeReadOnly();
                return result;
            default:
                // A token object (e.g. from Get-AzAccessToken or MSAL) carries the token in a Token or AccessToken property.
                var item = PSObject.AsPSObject(value);
                var property = item.Properties["Token"] ?? item.Properties["AccessToken"];
                if (property?.Value is { } inner && inner is not PSObject { BaseObject: PSCustomObject })
                {
                    return Transform(engineIntrinsics, inner);
                }

                throw new ArgumentTransformationMetadataException("Expected a SecureString, a string or an object with a Token or AccessToken property, got " + value.GetType().Name + ".");
        }
    }
}
