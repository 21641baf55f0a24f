using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;

namespace SmtpTls;

/// <summary>
/// A read-only list on a result object that reads well wherever the list is turned into one text:
/// <see cref="ToString"/> joins the items with <c>"; "</c>.
/// </summary>
/// <remarks>
/// Export-Csv and ConvertTo-Csv write each property with <see cref="object.ToString"/>: a plain array
/// gives its type name (<c>System.String[]</c>), this list gives its items. PowerShell still sees an
/// ordinary list (pipeline, indexing, <c>-contains</c>), ConvertTo-Json writes a JSON array, and
/// remoting and Export-Clixml keep the items. Arrays convert implicitly, so code that assigns arrays
/// to these properties keeps compiling; <see cref="Length"/> keeps array-style reading working.
/// </remarks>
/// <typeparam name="T">The item type; its <see cref="object.ToString"/> is what the joined text shows.</typeparam>
[Serializable]
public class ReadableList<T> : ReadOnlyCollection<T>
{
    /// <summary>The separator between items in <see cref="ToString"/>.</summary>
    public const string Separator = "; ";

    /// <summary>Creates a list holding a copy of <paramref name="items"/>.</summary>
    /// <param name="items">The items; null gives an empty list.</param>
    public ReadableList(IEnumerable<T>? items)
        : base(items is null ? new List<T>() : new List<T>(items))
    {
    }

    /// <summary>An empty list.</summary>
    public ReadableList()
        : this(null)
    {
    }

    /// <summary>The number of items, as an array names it.</summary>
    public int Length => Count;

    /// <summary>Copies an array into a readable list.</summary>
    /// <param name="items">The items; null gives an empty list.</param>
    public static implicit operator ReadableList<T>(T[]? items) => new(items);

    /// <summary>The items as a new array.</summary>
    public T[] ToArray() => this.ToList().ToArray();

    /// <summary>The items joined with <see cref="Separator"/>, each as <see cref="Describe"/> gives it.</summary>
    public override string ToString() => string.Join(Separator, this.Where(item => item is not null).Select(Describe));

    /// <summary>How one item reads in <see cref="ToString"/>; its own <see cref="object.ToString"/> unless a derived list says otherwise.</summary>
    /// <param name="item">An item of the list, never null.</param>
    protected virtual string Describe(T item) => item!.ToString() ?? string.Empty;
}
