package dev.typedrpc.processor.parse;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import dev.typedrpc.annotations.RpcService;
import dev.typedrpc.processor.Diagnostics;
import dev.typedrpc.processor.Message;
import dev.typedrpc.processor.model.Adapter;
import dev.typedrpc.processor.model.EnumModel;
import dev.typedrpc.processor.model.FieldModel;
import dev.typedrpc.processor.model.MessageModel;
import dev.typedrpc.processor.model.MethodModel;
import dev.typedrpc.processor.model.MethodModel.CallKind;
import dev.typedrpc.processor.model.MethodModel.Param;
import dev.typedrpc.processor.model.MethodModel.RequestForm;
import dev.typedrpc.processor.model.MethodModel.Style;
import dev.typedrpc.processor.model.ServiceModel;
import dev.typedrpc.processor.model.ValueType;
import dev.typedrpc.processor.model.ValueType.MessageValue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Types;

/** Parses and validates one {@code @RpcService} interface into a {@link ServiceModel}. */
public final class ServiceParser {
  static final ClassName EMPTY_CODEC = ClassName.get("dev.typedrpc.codec", "EmptyCodec");
  static final String EMPTY = "google.protobuf.Empty";
  static final String FLOW_PUBLISHER = "java.util.concurrent.Flow.Publisher";

  /**
   * The outcome: a model, or null when there were errors ({@code defer}: because some type does not
   * exist yet).
   */
  public record Result(ServiceModel model, boolean defer, Sites sites) {
    Result(ServiceModel model, boolean defer) {
      this(model, defer, new Sites());
    }
  }

  private final ProcessingEnvironment env;

  public ServiceParser(ProcessingEnvironment env) {
    this.env = env;
  }

  public Result parse(Element element, Diagnostics diagnostics) {
    AnnotationMirror annotation = Annotations.mirror(element, RpcService.class).orElseThrow();
    if (element.getKind() != ElementKind.INTERFACE) {
      diagnostics.error(
          element,
          annotation,
          null,
          Message.RPC_NOT_INTERFACE,
          element.getSimpleName(),
          element.getKind().toString().toLowerCase(java.util.Locale.ROOT).replace('_', ' '),
          element.getSimpleName());
      return new Result(null, false);
    }
    TypeElement iface = (TypeElement) element;
    if (!iface.getTypeParameters().isEmpty()) {
      diagnostics.error(
          iface, Message.GENERIC_SERVICE, iface.getSimpleName(), iface.getTypeParameters());
      return new Result(null, false);
    }
    TypeChecks.checkAccessible(iface, Names.packageName(iface), diagnostics);
    checkInheritedMethods(iface, diagnostics);
    String name = (String) Annotations.value(annotation, "name").getValue();
    String serviceName = name.isEmpty() ? iface.getQualifiedName().toString() : name;
    int version = (Integer) Annotations.value(annotation, "version").getValue();
    ServiceContext ctx = new ServiceContext(iface, serviceName, version, diagnostics);
    ctx.access = Policies.declared(iface, diagnostics);
    List<MethodModel> methods = new ArrayList<>();
    Set<String> names = new HashSet<>();
    MemberNames members = new MemberNames();
    List<String> reservedNames = Annotations.reservedNames(iface);
    for (ExecutableElement m : ElementFilter.methodsIn(iface.getEnclosedElements())) {
      if (m.getModifiers().contains(Modifier.DEFAULT)
          || m.getModifiers().contains(Modifier.STATIC)
          || m.getModifiers().contains(Modifier.PRIVATE)) {
        Policies.rejectOnNonRpc(m, diagnostics);
        continue; // not RPCs
      }
      String javaName = m.getSimpleName().toString();
      if (!names.add(javaName)) {
        diagnostics.error(m, Message.OVERLOADED_METHOD, javaName);
        continue;
      }
      if (reservedNames.contains(javaName)) {
        diagnostics.error(m, Message.RESERVED_NAME_REUSED, javaName, iface.getSimpleName());
      }
      members.check(m, diagnostics);
      ctx.sites.method(Names.upperCamel(javaName), m);
      MethodModel model = new MethodParser(ctx, m).parse();
      if (model != null) {
        methods.add(model);
      }
    }
    ctx.types.drain();
    for (SynthName synth : ctx.synthesizedNames) {
      String clash = ctx.types.protoNames().get(synth.name());
      if (clash != null) {
        diagnostics.error(
            synth.method(),
            Message.SYNTHESIZED_NAME_CLASH,
            synth.method().getSimpleName(),
            synth.name(),
            clash);
      }
    }
    if (ctx.types.sawErrorType()) {
      return new Result(null, true);
    }
    List<MessageModel> messages = ctx.types.messages();
    messages.addAll(ctx.synthesized);
    messages.sort(Comparator.comparing(MessageModel::protoName));
    List<EnumModel> enums = ctx.types.enums();
    enums.sort(Comparator.comparing(EnumModel::protoName));
    int dot = serviceName.lastIndexOf('.');
    String protoPackage = dot < 0 ? "" : serviceName.substring(0, dot);
    String protoService = serviceName.substring(dot + 1);
    new ProtoNameCheck(diagnostics).run(protoService, messages, enums);
    Map<String, String> options =
        ProtoOptions.of(env.getOptions(), protoPackage, protoService, iface, diagnostics);
    if (diagnostics.hasErrors()) {
      return new Result(null, false, ctx.sites);
    }
    return new Result(
        new ServiceModel(
            iface,
            ClassName.get(iface),
            ctx.rpcClass,
            serviceName,
            protoPackage,
            protoService,
            version,
            methods,
            messages,
            enums,
            reservedNames,
            options,
            new ProtoComments(env.getElementUtils()).of(iface, protoService, ctx.sites)),
        false,
        ctx.sites);
  }

  /**
   * Rejects abstract methods inherited from super-interfaces: the generated stub would not
   * implement them, and their order across interfaces would not be obvious in review.
   */
  private void checkInheritedMethods(TypeElement iface, Diagnostics diagnostics) {
    for (ExecutableElement m :
        ElementFilter.methodsIn(env.getElementUtils().getAllMembers(iface))) {
      Element owner = m.getEnclosingElement();
      if (!owner.equals(iface) && m.getModifiers().contains(Modifier.ABSTRACT)) {
        diagnostics.error(
            iface,
            Message.INHERITED_METHOD,
            iface.getSimpleName(),
            m.getSimpleName(),
            owner.getSimpleName(),
            iface.getSimpleName());
      }
    }
  }

  /**
   * Descriptor constants ({@code UPPER_SNAKE}) and schema names ({@code UpperCamel}) of the methods
   * seen so far, with the generated class's own constants.
   */
  private static final class MemberNames {
    private final Map<String, String> constants = new HashMap<>();
    private final Map<String, String> schemaNames = new HashMap<>();

    MemberNames() {
      constants.put("SERVICE_NAME", "the generated constant SERVICE_NAME");
      constants.put("DESCRIPTOR", "the generated constant DESCRIPTOR");
      // the methods every generated stub has for RpcStubs
      constants.put("RPC_CALL_OPTIONS", "the generated stub method rpcCallOptions");
      constants.put("RPC_WITH_CALL_OPTIONS", "the generated stub method rpcWithCallOptions");
    }

    void check(ExecutableElement m, Diagnostics diagnostics) {
      String javaName = m.getSimpleName().toString();
      String constant = Names.upperSnake(javaName);
      String schema = Names.upperCamel(javaName);
      String other = constants.putIfAbsent(constant, "method " + javaName);
      if (other != null) {
        diagnostics.error(m, Message.METHOD_NAME_CLASH, javaName, "constant " + constant, other);
        return;
      }
      other = schemaNames.putIfAbsent(schema, "method " + javaName);
      if (other != null) {
        diagnostics.error(m, Message.METHOD_NAME_CLASH, javaName, "schema name " + schema, other);
      }
    }
  }

  /** What the methods of one service share. */
  private static final class ServiceContext {
    final TypeElement iface;
    final Diagnostics diagnostics;
    final NumberRules rules;
    final TypeParser types;
    final ClassName rpcClass;
    final ClassName codecs;
    final List<MessageModel> synthesized = new ArrayList<>();
    final List<SynthName> synthesizedNames = new ArrayList<>();
    final Sites sites = new Sites();
    MethodModel.Access access = MethodModel.Access.UNDECLARED; // the interface's

    ServiceContext(TypeElement iface, String serviceName, int version, Diagnostics diagnostics) {
      this.iface = iface;
      this.diagnostics = diagnostics;
      this.rules = new NumberRules(diagnostics, serviceName, version);
      this.rpcClass = ClassName.get(Names.packageName(iface), Names.flatName(iface) + "Rpc");
      this.codecs = ServiceModel.codecsClass(rpcClass);
      this.types = new TypeParser(diagnostics, rules, sites, codecs);
    }
  }

  private record SynthName(String name, ExecutableElement method) {}

  /** Parses one method. */
  private final class MethodParser {
    private final ServiceContext ctx;
    private final ExecutableElement m;
    private final String javaName;
    private final String schemaName;
    private boolean ok = true;
    private int methodSince = 1;

    MethodParser(ServiceContext ctx, ExecutableElement m) {
      this.ctx = ctx;
      this.m = m;
      this.javaName = m.getSimpleName().toString();
      this.schemaName = Names.upperCamel(javaName);
    }

    MethodModel parse() {
      Diagnostics d = ctx.diagnostics;
      // Jakarta's rule: a method's own policy overrides its interface's
      MethodModel.Access access = Policies.declared(m, d);
      if (access.kind() == MethodModel.Access.Kind.UNDECLARED) {
        access = ctx.access;
      }
      if (!m.getTypeParameters().isEmpty()) {
        d.error(m, Message.GENERIC_METHOD, javaName, m.getTypeParameters());
        return null;
      }
      Types types = env.getTypeUtils();
      TypeMirror runtime =
          env.getElementUtils().getTypeElement("java.lang.RuntimeException").asType();
      TypeMirror error = env.getElementUtils().getTypeElement("java.lang.Error").asType();
      for (TypeMirror thrown : m.getThrownTypes()) {
        if (!types.isSubtype(thrown, runtime) && !types.isSubtype(thrown, error)) {
          d.error(m, Message.CHECKED_EXCEPTION, javaName, thrown);
          ok = false;
        }
      }
      int since = ctx.rules.since(m, ctx.iface.getSimpleName() + "." + javaName);
      methodSince = since;

      TypeMirror ret = m.getReturnType();
      Style style;
      TypeMirror result;
      String retName = TypeParser.erasureName(ret);
      AdaptedTypes.Known adapted =
          ret.getKind() == TypeKind.DECLARED ? AdaptedTypes.lookup(retName) : null;
      Adapter resultAdapter = null;
      if (ret.getKind() == TypeKind.VOID) {
        style = Style.VOID;
        result = null;
      } else if (adapted != null) {
        if (!adapterPresent(adapted, m, retName)) {
          return null;
        }
        resultAdapter = adapted.adapter();
        style = resultAdapter.many() ? Style.PUBLISHER : Style.FUTURE;
        result = adapted.hasValue() ? typeArgument(ret) : null;
        if (adapted.hasValue() && result == null) {
          return null;
        }
      } else if (retName.equals("java.util.concurrent.CompletableFuture")
          || retName.equals("java.util.concurrent.CompletionStage")
          || retName.equals(FLOW_PUBLISHER)) {
        style = retName.equals(FLOW_PUBLISHER) ? Style.PUBLISHER : Style.FUTURE;
        result = typeArgument(ret);
        if (result == null) {
          return null;
        }
      } else {
        style = Style.BLOCKING;
        result = ret;
      }
      // a blocking Stream result is consumed on the caller's thread: it cannot also feed a request
      // stream
      boolean blockingResult = resultAdapter != null && resultAdapter.factory().equals("stream");

      List<? extends VariableElement> params = m.getParameters();
      boolean streamingParam = false;
      Adapter paramAdapter = null;
      for (VariableElement p : params) {
        String paramName = TypeParser.erasureName(p.asType());
        AdaptedTypes.Known paramType =
            p.asType().getKind() == TypeKind.DECLARED ? AdaptedTypes.lookup(paramName) : null;
        if (paramType != null && !paramType.parameter()) {
          paramType =
              null; // e.g. a Mono parameter: not a stream; resolved (and rejected) as a value
        }
        if (paramName.equals(FLOW_PUBLISHER) || paramType != null) {
          if (params.size() == 1
              && (style == Style.FUTURE || style == Style.PUBLISHER)
              && !blockingResult) {
            streamingParam = true;
            if (paramType != null) {
              if (!adapterPresent(paramType, p, paramName)) {
                return null;
              }
              paramAdapter = paramType.adapter();
            }
          } else {
            d.error(p, Message.PUBLISHER_PARAMETER, javaName, "parameter " + p.getSimpleName());
            ok = false;
          }
        }
      }
      if (!ok) {
        return null;
      }
      CallKind kind =
          streamingParam
              ? (style == Style.PUBLISHER ? CallKind.BIDI_STREAMING : CallKind.CLIENT_STREAMING)
              : (style == Style.PUBLISHER ? CallKind.SERVER_STREAMING : CallKind.UNARY);

      Resumption.Found position = Resumption.position(m, kind, result, d);
      Endpoint request = streamingParam ? streamRequest(params.get(0)) : request(params);
      Endpoint response = response(result);
      if (request == null || response == null || !position.ok()) {
        return null;
      }
      List<Param> javaParams = new ArrayList<>();
      for (VariableElement p : params) {
        javaParams.add(new Param(p.getSimpleName().toString(), TypeName.get(p.asType())));
      }
      return new MethodModel(
          javaName,
          schemaName,
          Names.upperSnake(javaName),
          kind,
          style,
          TypeName.get(ret),
          javaParams,
          request.form,
          request.type,
          request.codec,
          request.proto,
          response.type,
          response.codec,
          response.proto,
          since,
          Annotations.deprecated(m),
          resultAdapter,
          paramAdapter,
          Policies.idempotency(m),
          access,
          position.accessor());
    }

    /** The single type argument of a result type, or null after reporting it unsupported. */
    private TypeMirror typeArgument(TypeMirror ret) {
      List<? extends TypeMirror> args = ((DeclaredType) ret).getTypeArguments();
      if (args.size() != 1 || !isReference(args.get(0))) {
        ctx.diagnostics.error(m, Message.UNSUPPORTED_TYPE, javaName + " (result)", ret);
        return null;
      }
      return args.get(0);
    }

    /**
     * Whether the adapter class for {@code type} is on the class path; reports which module to add
     * if not.
     */
    private boolean adapterPresent(AdaptedTypes.Known type, Element site, String typeName) {
      String adapter = type.adapter().adapter().canonicalName();
      if (env.getElementUtils().getTypeElement(adapter) != null) {
        return true;
      }
      ctx.diagnostics.error(
          site, Message.ADAPTER_MISSING, javaName, typeName, adapter, type.module());
      return false;
    }

    private Endpoint request(List<? extends VariableElement> params) {
      if (params.isEmpty()) {
        return new Endpoint(RequestForm.EMPTY, TypeName.get(Void.class), EMPTY_CODEC, EMPTY);
      }
      if (params.size() == 1) {
        VariableElement p = params.get(0);
        TypeMirror t = p.asType();
        if (TypeParser.isMessageType(t) && !Annotations.nullable(p, t)) {
          MessageValue mv = message(t, p, javaName + "." + p.getSimpleName());
          return mv == null
              ? null
              : new Endpoint(RequestForm.SINGLE_MESSAGE, mv.javaName(), mv.codec(), mv.protoName());
        }
      }
      String name = schemaName + "Request";
      ClassName record = ctx.rpcClass.nestedClass(name);
      NumberRules.Scope scope = ctx.rules.scope(null, name);
      List<FieldModel> fields = new ArrayList<>();
      int position = 0;
      for (VariableElement p : params) {
        position++;
        String pname = p.getSimpleName().toString();
        String siteName = javaName + "." + pname;
        int number = scope.fieldNumber(p, position, siteName);
        int since = ctx.rules.since(p, siteName);
        TypeParser.Resolved r =
            ctx.types.resolveField(p.asType(), Annotations.nullable(p, p.asType()), p, siteName);
        if (r == null) {
          ok = false;
          continue;
        }
        // a parameter added to an existing method: old clients do not send it
        TypeChecks.checkAbsentTolerant(
            r, since > methodSince ? since : 1, p, siteName, p.asType(), ctx.diagnostics);
        ctx.sites.field(name, Names.lowerSnake(pname), p);
        fields.add(
            new FieldModel(
                pname,
                Names.lowerSnake(pname),
                number,
                since,
                r.label(),
                r.presence(),
                r.primitive(),
                r.value(),
                r.key(),
                Annotations.deprecated(p)));
      }
      if (!ok) {
        return null;
      }
      ClassName codec = ctx.codecs.nestedClass(name + "Codec");
      return synthesize(MessageModel.Kind.SYNTHESIZED_RECORD, record, name, codec, fields)
          ? new Endpoint(RequestForm.SYNTHESIZED, record, codec, name)
          : null;
    }

    private Endpoint streamRequest(VariableElement p) {
      List<? extends TypeMirror> args = ((DeclaredType) p.asType()).getTypeArguments();
      if (args.size() != 1 || !isReference(args.get(0))) {
        ctx.diagnostics.error(
            p, Message.UNSUPPORTED_TYPE, javaName + "." + p.getSimpleName(), p.asType());
        return null;
      }
      Endpoint e = wrapped(args.get(0), p, javaName + "." + p.getSimpleName(), "Request", false);
      return e == null ? null : new Endpoint(RequestForm.STREAM, e.type, e.codec, e.proto);
    }

    private Endpoint response(TypeMirror result) {
      if (result == null || TypeParser.erasureName(result).equals("java.lang.Void")) {
        return new Endpoint(null, TypeName.get(Void.class), EMPTY_CODEC, EMPTY);
      }
      return wrapped(
          result, m, javaName + " (result)", "Response", Annotations.nullable(m, result));
    }

    /**
     * A message type as is, or a value wrapper message {@code <Method><suffix> { T value = 1; }}.
     */
    private Endpoint wrapped(
        TypeMirror type, Element site, String siteName, String suffix, boolean nullable) {
      if (TypeParser.isMessageType(type) && !nullable) {
        MessageValue mv = message(type, site, siteName);
        return mv == null ? null : new Endpoint(null, mv.javaName(), mv.codec(), mv.protoName());
      }
      TypeParser.Resolved r = ctx.types.resolveField(type, nullable, site, siteName);
      if (r == null) {
        return null;
      }
      String name = schemaName + suffix;
      ClassName codec = ctx.codecs.nestedClass(name + "Codec");
      FieldModel field =
          new FieldModel(
              "value",
              "value",
              1,
              1,
              r.label(),
              r.presence(),
              r.primitive(),
              r.value(),
              r.key(),
              false);
      ctx.sites.field(name, "value", m);
      TypeName javaType = TypeName.get(type).box();
      return synthesize(MessageModel.Kind.VALUE_WRAPPER, javaType, name, codec, List.of(field))
          ? new Endpoint(null, javaType, codec, name)
          : null;
    }

    private MessageValue message(TypeMirror type, Element site, String siteName) {
      ValueType v = ctx.types.resolveValue(type, site, siteName);
      return v instanceof MessageValue mv ? mv : null;
    }

    private boolean synthesize(
        MessageModel.Kind kind,
        TypeName javaType,
        String name,
        ClassName codec,
        List<FieldModel> fields) {
      ctx.synthesizedNames.add(new SynthName(name, m));
      ctx.sites.message(name, m);
      ctx.synthesized.add(
          new MessageModel(
              kind, javaType, name, name, codec, fields, List.of(), List.of(), List.of(), null, m));
      return true;
    }
  }

  /** A type argument that may be a message or value: a class or interface type, or an array. */
  private static boolean isReference(TypeMirror t) {
    return t.getKind() == TypeKind.DECLARED || t.getKind() == TypeKind.ARRAY;
  }

  private record Endpoint(RequestForm form, TypeName type, ClassName codec, String proto) {}
}
