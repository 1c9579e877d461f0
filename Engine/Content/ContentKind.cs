namespace Vsr.Engine.Content;

/// <summary>What a video shows, as far as the choice of model goes.</summary>
public enum ContentKind
{
    /// <summary>Decide from the video itself (<see cref="ContentClassifier"/>).</summary>
    Auto,

    /// <summary>Live action, camera footage, rendered CGI: the project's own <c>real-x*</c> models.</summary>
    Live,

    /// <summary>Drawn animation and cartoons: the Real-ESRGAN anime family.</summary>
    Animation,
}
