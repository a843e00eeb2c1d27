package dev.typedrpc.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.JavaFile;
import dev.typedrpc.annotations.AcceptBreakingChange;
import dev.typedrpc.annotations.RpcService;
import dev.typedrpc.processor.codegen.CodecGenerator;
import dev.typedrpc.processor.codegen.EnumCodecGenerator;
import dev.typedrpc.processor.codegen.JsonGenerator;
import dev.typedrpc.processor.codegen.ProtoGenerator;
import dev.typedrpc.processor.codegen.RpcClassGenerator;
import dev.typedrpc.processor.model.EnumModel;
import dev.typedrpc.processor.model.MessageModel;
import dev.typedrpc.processor.model.ServiceModel;
import dev.typedrpc.processor.parse.Baseline;
import dev.typedrpc.processor.parse.BaselineCheck;
import dev.typedrpc.processor.parse.ProtoOptions;
import dev.typedrpc.processor.parse.ServiceParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Filer;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;
import javax.tools.FileObject;
import javax.tools.StandardLocation;

/**
 * Generates stubs, skeletons, dispatchers, codecs and schemas for {@code @RpcService} interfaces. A
 * service that refers to types not generated yet waits for a later round. Codecs are written once
 * per compilation, and not at all when a compiled one is already on the class path (for a type
 * compiled earlier).
 */
@AutoService(Processor.class)
public final class RpcProcessor extends AbstractProcessor {
  static final String SERVICES_FILE = "META-INF/services/dev.typedrpc.spi.GeneratedService";

  /**
   * The directory of released JSON descriptors ({@code <service name>.json}) to check services
   * against; no check without it.
   */
  static final String BASELINE_OPTION = "typedrpc.baseline";

  /** Test hook: makes the processor crash on the service, to test crash reporting. */
  static final String CRASH_OPTION = "typedrpc.internal.crashForTest";

  private final Set<String> deferred = new LinkedHashSet<>();
  private final Set<String> writtenCodecs = new HashSet<>();
  private final Set<String> providers = new TreeSet<>();
  private final Set<String> reportedRules = new HashSet<>();

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return Set.of("dev.typedrpc.annotations.*");
  }

  @Override
  public Set<String> getSupportedOptions() {
    Set<String> options = new TreeSet<>(Set.of(BASELINE_OPTION, CRASH_OPTION));
    for (String name : ProtoOptions.NAMES) {
      options.add(ProtoOptions.PREFIX + name);
    }
    return options;
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    List<Element> elements = new ArrayList<>();
    for (String name : deferred) {
      TypeElement e = processingEnv.getElementUtils().getTypeElement(name);
      if (e != null) {
        elements.add(e);
      }
    }
    deferred.clear();
    elements.addAll(round.getElementsAnnotatedWith(RpcService.class));
    checkAcceptedRules(round);
    for (Element element : elements) {
      Diagnostics diagnostics = new Diagnostics();
      try {
        if (processingEnv.getOptions().containsKey(CRASH_OPTION)) {
          throw new IllegalStateException("crash requested by -A" + CRASH_OPTION);
        }
        ServiceParser.Result result = new ServiceParser(processingEnv).parse(element, diagnostics);
        if (result.defer() && !round.processingOver()) {
          deferred.add(((TypeElement) element).getQualifiedName().toString());
          continue;
        }
        if (result.model() != null) {
          checkBaseline(result, diagnostics);
        }
        diagnostics.flush(processingEnv.getMessager());
        if (result.model() != null && !diagnostics.hasErrors()) {
          write(result.model());
        }
      } catch (RuntimeException | IOException e) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        processingEnv
            .getMessager()
            .printMessage(
                Diagnostic.Kind.ERROR,
                Message.PROCESSOR_BUG.format(element.getSimpleName(), e, trace),
                element);
      }
    }
    if (round.processingOver()) {
      writeServicesFile();
    }
    return false;
  }

  /** Compares the service with its released descriptor, if a baseline directory is set. */
  private void checkBaseline(ServiceParser.Result result, Diagnostics diagnostics) {
    String dir = processingEnv.getOptions().get(BASELINE_OPTION);
    if (dir == null || dir.isBlank()) {
      return;
    }
    ServiceModel s = result.model();
    Path path = Path.of(dir);
    Baseline baseline;
    try {
      baseline = Baseline.find(path, s.serviceName(), s.iface().canonicalName());
    } catch (IOException | RuntimeException e) {
      diagnostics.error(
          s.origin(),
          Message.BASELINE_UNREADABLE,
          path.resolve(s.serviceName() + ".json"),
          e.getMessage(),
          s.serviceName());
      return;
    }
    if (baseline != null) {
      new BaselineCheck(s, baseline, result.sites(), diagnostics).run();
    }
  }

  /** Every {@code @AcceptBreakingChange} must name a rule of the baseline check. */
  private void checkAcceptedRules(RoundEnvironment round) {
    Set<String> rules = new TreeSet<>();
    for (Message m : Message.values()) {
      if (m.isBreakingRule()) {
        rules.add(m.tag());
      }
    }
    for (Element e :
        round.getElementsAnnotatedWithAny(
            Set.of(AcceptBreakingChange.class, AcceptBreakingChange.List.class))) {
      for (AnnotationMirror accept : BaselineCheck.accepts(e)) {
        AnnotationValue rule = BaselineCheck.rule(accept);
        // a record component's annotation is also on its field, accessor and constructor parameter
        String key = owner(e) + "#" + e.getSimpleName() + "#" + rule.getValue();
        if (!rules.contains((String) rule.getValue()) && reportedRules.add(key)) {
          processingEnv
              .getMessager()
              .printMessage(
                  Diagnostic.Kind.ERROR,
                  Message.UNKNOWN_BREAKING_RULE.format(
                      e.getSimpleName(), rule.getValue(), String.join(", ", rules)),
                  e,
                  accept,
                  rule);
        }
      }
    }
  }

  private static String owner(Element e) {
    Element owner = e.getEnclosingElement();
    while (owner != null && !(owner instanceof TypeElement)) {
      owner = owner.getEnclosingElement();
    }
    return owner == null ? "" : ((TypeElement) owner).getQualifiedName().toString();
  }

  private void write(ServiceModel s) throws IOException {
    Filer filer = processingEnv.getFiler();
    RpcClassGenerator.generate(s).writeTo(filer);
    for (MessageModel m : s.messages()) {
      boolean shared = m.kind() == MessageModel.Kind.RECORD || m.kind() == MessageModel.Kind.ONEOF;
      if (!shared || shouldWrite(m.codec().canonicalName(), m.origin())) {
        JavaFile file = CodecGenerator.generate(m);
        file.writeTo(filer);
      }
    }
    for (EnumModel e : s.enums()) {
      if (shouldWrite(e.codec().canonicalName(), e.origin())) {
        EnumCodecGenerator.generate(e).writeTo(filer);
      }
    }
    String base = "META-INF/typedrpc/" + s.serviceName();
    resource(base + ".proto", ProtoGenerator.generate(s), s.origin());
    resource(base + ".json", JsonGenerator.generate(s), s.origin());
    providers.add(s.rpcClass().canonicalName() + "$Provider");
  }

  /**
   * Whether to write a shared codec: not if this compilation wrote it already, nor if it is on the
   * class path already while its type comes from the class path too (compiled earlier, together
   * with its codec).
   */
  private boolean shouldWrite(String codec, Element type) {
    if (!writtenCodecs.add(codec)) {
      return false;
    }
    boolean compiledCodec = processingEnv.getElementUtils().getTypeElement(codec) != null;
    return !(compiledCodec && !Sources.isSource(processingEnv, type));
  }

  private void resource(String path, String text, Element origin) throws IOException {
    FileObject file =
        processingEnv.getFiler().createResource(StandardLocation.CLASS_OUTPUT, "", path, origin);
    try (Writer w = file.openWriter()) {
      w.write(text);
    }
  }

  /** Writes the ServiceLoader file, keeping entries of an existing one (incremental builds). */
  private void writeServicesFile() {
    if (providers.isEmpty()) {
      return;
    }
    Filer filer = processingEnv.getFiler();
    Set<String> all = new TreeSet<>(providers);
    try {
      FileObject existing = filer.getResource(StandardLocation.CLASS_OUTPUT, "", SERVICES_FILE);
      try (BufferedReader r =
          new BufferedReader(
              new InputStreamReader(existing.openInputStream(), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          String entry = line.replaceAll("#.*", "").trim();
          if (!entry.isEmpty()) {
            all.add(entry);
          }
        }
      }
    } catch (IOException | IllegalArgumentException | UnsupportedOperationException e) {
      // no existing file: nothing to merge
    }
    try {
      FileObject file = filer.createResource(StandardLocation.CLASS_OUTPUT, "", SERVICES_FILE);
      try (OutputStream out = file.openOutputStream()) {
        for (String p : all) {
          out.write((p + "\n").getBytes(StandardCharsets.UTF_8));
        }
      }
    } catch (IOException e) {
      processingEnv
          .getMessager()
          .printMessage(Diagnostic.Kind.ERROR, "Cannot write " + SERVICES_FILE + ": " + e);
    }
    providers.clear();
  }
}
